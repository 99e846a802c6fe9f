"""The kinds besides organisations: their columns, natural keys and services. Most need nothing more."""

from __future__ import annotations

from biocampus.agreements import services as agreement_services
from biocampus.agreements.choices import AgreementStatus, AgreementType, ObligationStatus, PartyRole
from biocampus.agreements.models import Agreement
from biocampus.campuses import services as campus_services
from biocampus.campuses.choices import OperatorRole, ResidencyStatus
from biocampus.campuses.models import Campus, Residency
from biocampus.core.choices import DatePrecision
from biocampus.core.text import fold
from biocampus.directory import services as directory_services
from biocampus.directory.models import Field, Person
from biocampus.events import services as event_services
from biocampus.events.choices import EventKind, ParticipationRole
from biocampus.events.models import Event
from biocampus.progress import services as progress_services
from biocampus.progress.choices import FundingRoundType, MilestoneKind
from biocampus.progress.models import FundingRound, Milestone, Programme, Target

from ..columns import (
    PROVENANCE,
    PUBLIC_ID,
    Attribute,
    Boolean,
    Choice,
    Column,
    Country,
    Date,
    ListOf,
    Number,
    Records,
    Reference,
    Text,
)
from .base import ImportContext, Kind

ORGANIZATION = Reference("directory.organization", "organisation name or public id")
CAMPUS = Column(
    "campus",
    Reference("campuses.campus", "campus short name"),
    help="The campus's short name (icampus-wuxi). Blank: the campus chosen for the import (--campus).",
)


def _organization(name: str, *, required: bool = False, help: str = "") -> Column:
    return Column(name, ORGANIZATION, required=required, help=help or "Organisation name or public id.")


def _by_pk(records) -> list:
    return sorted(records, key=lambda record: record.pk)


def _campus_slug(record) -> str:
    return record.campus.slug


def _day(value) -> str:
    return value.isoformat() if value else ""


class PeopleKind(Kind):
    name = "people"
    model = Person
    title = "People"
    key = ("name", "organization")
    create_service = staticmethod(directory_services.person_create)
    update_service = staticmethod(directory_services.person_update)
    record_argument = "person"
    select_related = ("organization",)
    columns = (
        PUBLIC_ID,
        Column("name", Text(200), required=True),
        Column("name_zh", Text(200)),
        _organization("organization", help="Where the person works: organisation name or public id."),
        Column("title", Text(200)),
        Column("email", Text(254)),
        Column("phone", Text(40)),
        Column("notes", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        organization = record.organization.name if record.organization_id else ""
        return (fold(record.name), fold(organization), str(record.public_id))


class ResidenciesKind(Kind):
    name = "residencies"
    model = Residency
    title = "Residencies"
    key = ("organization", "campus")
    campus_scoped = True
    create_service = staticmethod(campus_services.residency_create)
    update_service = staticmethod(campus_services.residency_update)
    record_argument = "residency"
    select_related = ("organization", "campus", "signed_at")
    columns = (
        PUBLIC_ID,
        CAMPUS,
        _organization("organization", required=True),
        Column("status", Choice(ResidencyStatus, "residency status"), help="Blank: prospect for a new residency."),
        Column("applied_on", Date()),
        Column("signed_on", Date()),
        Column("moved_in_on", Date()),
        Column("ended_on", Date()),
        Column("signed_at", Reference("events.event", "event name or public id"), help="Event of the campus."),
        Column("notes", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), fold(record.organization.name), str(record.public_id))


def _parties(agreement) -> list[dict]:
    return [
        {"organization": p.organization, "role": p.role, "signatory": p.signatory}
        for p in _by_pk(agreement.parties.all())
    ]


def _obligations(agreement) -> list[dict]:
    return [
        {"description": o.description, "party": o.party, "due_on": o.due_on, "status": o.status}
        for o in _by_pk(agreement.obligations.all())
    ]


def _documents(agreement) -> list[dict]:
    return [{"title": d.title, "url": d.url, "file": d.file.name or ""} for d in _by_pk(agreement.documents.all())]


class AgreementsKind(Kind):
    name = "agreements"
    model = Agreement
    title = "Agreements"
    key = ("campus", "title")
    campus_scoped = True
    create_service = staticmethod(agreement_services.agreement_create)
    update_service = staticmethod(agreement_services.agreement_update)
    record_argument = "agreement"
    extras = frozenset({"obligations", "documents"})
    select_related = ("campus", "signed_at")
    prefetch_related = ("parties__organization", "obligations__party", "documents")
    columns = (
        PUBLIC_ID,
        CAMPUS,
        Column("title", Text(300), required=True),
        Column("title_zh", Text(300)),
        Column("type", Choice(AgreementType, "type of agreement"), required=True),
        Column("status", Choice(AgreementStatus, "agreement status"), help="Blank: signed, for a new agreement."),
        Column("signed_on", Date()),
        Column("signed_at", Reference("events.event", "event name or public id"), help="Event of the campus."),
        Column("place", Text(200)),
        Column(
            "parties",
            Records(
                Attribute("organization", ORGANIZATION),
                Attribute("role", Choice(PartyRole, "party role"), default=PartyRole.PARTY),
                Attribute("signatory", Text(200)),
            ),
            required=True,
            help="Two or more: `AstraZeneca; role=lead; signatory=Leon Wang | Teddy Lab Services`. Role blank: party.",
            read=_parties,
        ),
        Column(
            "obligations",
            Records(
                Attribute("description", Text()),
                Attribute("party", ORGANIZATION),
                Attribute("due_on", Date()),
                Attribute("status", Choice(ObligationStatus, "obligation status"), default=ObligationStatus.OPEN),
            ),
            help="`Deliver the report; party=Teddy Lab Services; due_on=2021-06-30`. Added, never removed.",
            additive=True,
            read=_obligations,
        ),
        Column(
            "documents",
            Records(Attribute("title", Text(200)), Attribute("url", Text(200)), Attribute("file", Text(100))),
            help="`Press release; url=https://…`. Added, never removed; `file` names a file already in storage.",
            additive=True,
            read=_documents,
        ),
        Column("summary", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), _day(record.signed_on), fold(record.title), str(record.public_id))

    def save_extras(self, record, values, ctx: ImportContext, *, created: bool) -> None:
        column = self.column("obligations")
        have = {column.codec.canonical_item(item) for item in _obligations(record)}
        for item in values.get("obligations", []):
            if column.codec.canonical_item(item) not in have:
                agreement_services.obligation_add(
                    actor=ctx.actor, agreement=record, provenance=ctx.child_provenance(record), **item
                )
        column = self.column("documents")
        have = {column.codec.canonical_item(item) for item in _documents(record)}
        for item in values.get("documents", []):
            if column.codec.canonical_item(item) not in have:
                agreement_services.document_add(
                    actor=ctx.actor,
                    agreement=record,
                    title=item["title"],
                    url=item["url"],
                    file=item["file"] or None,
                    provenance=ctx.child_provenance(record),
                )


class MilestonesKind(Kind):
    name = "milestones"
    model = Milestone
    title = "Milestones"
    key = ("campus", "organization", "title")
    campus_scoped = True
    create_service = staticmethod(progress_services.milestone_create)
    update_service = staticmethod(progress_services.milestone_update)
    record_argument = "milestone"
    select_related = ("campus", "organization", "event")
    columns = (
        PUBLIC_ID,
        CAMPUS,
        _organization("organization", required=True),
        Column("kind", Choice(MilestoneKind, "kind of milestone"), required=True),
        Column("title", Text(300), required=True),
        Column("occurred_on", Date()),
        Column(
            "date_precision",
            Choice(DatePrecision, "date precision"),
            help="day, month or year: how much of the date the source states (2019-09-01 with month is “September 2019”).",
        ),
        Column("value", Number()),
        Column("unit", Text(40), help="hospitals, people, USD… (needed with a value)."),
        Column("event", Reference("events.event", "event name or public id")),
        Column("description", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), _day(record.occurred_on), fold(record.title), str(record.public_id))


def _investors(funding_round) -> list[dict]:
    return [
        {"investor": i.investor, "is_lead": i.is_lead, "amount": i.amount}
        for i in _by_pk(funding_round.investments.all())
    ]


class FundingRoundsKind(Kind):
    name = "funding_rounds"
    model = FundingRound
    title = "Funding rounds"
    key = ("campus", "recipient", "round_type", "announced_on")
    campus_scoped = True
    create_service = staticmethod(progress_services.funding_round_create)
    update_service = staticmethod(progress_services.funding_round_update)
    record_argument = "funding_round"
    select_related = ("campus", "recipient")
    prefetch_related = ("investments__investor",)
    columns = (
        PUBLIC_ID,
        CAMPUS,
        _organization("recipient", required=True, help="The organisation that raised the money."),
        Column("round_type", Choice(FundingRoundType, "round type"), required=True),
        Column("amount", Number()),
        Column("currency", Text(3), help="ISO 4217 code (USD, CNY), needed with an amount."),
        Column("announced_on", Date()),
        Column("date_precision", Choice(DatePrecision, "date precision")),
        Column(
            "investors",
            Records(
                Attribute("investor", ORGANIZATION),
                Attribute("lead", Boolean(), field="is_lead"),
                Attribute("amount", Number()),
            ),
            help="`CICC; lead=yes; amount=5000000 | Tigermed`. At most one lead.",
            read=_investors,
        ),
        Column("description", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), _day(record.announced_on), fold(record.recipient.name), str(record.public_id))


def _operators(campus) -> list[dict]:
    return [{"organization": link.organization, "role": link.role} for link in _by_pk(campus.operator_links.all())]


class CampusesKind(Kind):
    name = "campuses"
    model = Campus
    title = "Campuses"
    key = ("slug",)
    create_service = staticmethod(campus_services.campus_create)
    update_service = staticmethod(campus_services.campus_update)
    record_argument = "campus"
    extras = frozenset({"operators", "sister_campuses"})  # campus_create takes no sisters; one path for both
    select_related = ("organization",)
    prefetch_related = ("operator_links__organization", "sister_campuses")
    columns = (
        PUBLIC_ID,
        Column("slug", Text(64), required=True, help="Short name used in addresses and files: icampus-wuxi."),
        _organization(
            "organization", required=True, help="The campus's own organisation (of kind campus): its names and place."
        ),
        Column("opened_on", Date()),
        Column("operational_on", Date()),
        Column(
            "operators",
            Records(
                Attribute("organization", ORGANIZATION),
                Attribute("role", Choice(OperatorRole, "operator role"), default=OperatorRole.CO_BUILDER),
            ),
            help="Co-builders and operators: `Wuxi Municipal Government; role=co_builder | AstraZeneca`.",
            read=_operators,
        ),
        Column(
            "sister_campuses",
            ListOf(Reference("campuses.campus", "campus short name")),
            help="Short names of sister campuses; the link goes both ways.",
            read=lambda campus: sorted(campus.sister_campuses.all(), key=lambda c: c.slug),
        ),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (record.slug,)

    def save_extras(self, record, values, ctx: ImportContext, *, created: bool) -> None:
        if "operators" in values:
            operators = [(item["organization"], item["role"]) for item in values["operators"]]
            campus_services.campus_set_operators(
                actor=ctx.actor, campus=record, operators=operators, provenance=ctx.child_provenance(record)
            )
        if "sister_campuses" in values:
            campus_services.campus_update(actor=ctx.actor, campus=record, sister_campuses=values["sister_campuses"])


def _participations(event) -> list[dict]:
    return [{"organization": p.organization, "role": p.role} for p in _by_pk(event.participations.all())]


def _showcases(event) -> list[dict]:
    return [
        {
            "organization": s.organization,
            "offering": s.offering,
            "booth_host": s.booth_host,
            "description": s.description,
            "outcome": s.outcome,
        }
        for s in _by_pk(event.showcases.all())
    ]


class EventsKind(Kind):
    name = "events"
    model = Event
    title = "Events"
    key = ("campus", "name")
    campus_scoped = True
    create_service = staticmethod(event_services.event_create)
    update_service = staticmethod(event_services.event_update)
    record_argument = "event"
    extras = frozenset({"participations"})
    select_related = ("campus",)
    prefetch_related = ("participations__organization", "showcases__organization", "showcases__booth_host")
    columns = (
        PUBLIC_ID,
        CAMPUS,
        Column("name", Text(300), required=True),
        Column("name_zh", Text(300)),
        Column("short_name", Text(60)),
        Column("kind", Choice(EventKind, "kind of event")),
        Column("starts_on", Date()),
        Column("ends_on", Date()),
        Column("place", Text(200)),
        Column("city", Text(120)),
        Column("country", Country()),
        Column("website", Text(200)),
        Column(
            "participations",
            Records(Attribute("organization", ORGANIZATION), Attribute("role", Choice(ParticipationRole, "role"))),
            help="`AstraZeneca; role=exhibitor | Teddy Lab Services; role=signer`. Added, never removed.",
            additive=True,
            read=_participations,
        ),
        Column(
            "showcases",
            Records(
                Attribute("organization", ORGANIZATION),
                Attribute("offering", Text(300)),
                Attribute("booth_host", ORGANIZATION),
                Attribute("description", Text()),
                Attribute("outcome", Text()),
            ),
            help="What was shown at whose booth: `Teddy Lab Services; offering=Companion diagnostics; booth_host=AstraZeneca`.",
            read=_showcases,
        ),
        Column("description", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), _day(record.starts_on), fold(record.name), str(record.public_id))

    def save_extras(self, record, values, ctx: ImportContext, *, created: bool) -> None:
        for item in values.get("participations", []):
            event_services.participation_add(
                actor=ctx.actor,
                event=record,
                organization=item["organization"],
                role=item["role"],
                provenance=ctx.child_provenance(record),
            )


class ProgrammesKind(Kind):
    name = "programmes"
    model = Programme
    title = "Programmes"
    key = ("campus", "name")
    campus_scoped = True
    create_service = staticmethod(progress_services.programme_create)
    update_service = staticmethod(progress_services.programme_update)
    record_argument = "programme"
    select_related = ("campus", "agreement")
    prefetch_related = ("organizations",)
    columns = (
        PUBLIC_ID,
        CAMPUS,
        Column("name", Text(300), required=True),
        Column("name_zh", Text(300)),
        Column(
            "organizations",
            ListOf(ORGANIZATION),
            help="Who runs it: organisation names separated by |.",
            read=lambda p: sorted(p.organizations.all(), key=lambda o: (fold(o.name), o.name, str(o.public_id))),
        ),
        Column("agreement", Reference("agreements.agreement", "agreement title or public id")),
        Column("starts_on", Date()),
        Column("ends_on", Date()),
        Column("description", Text()),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), fold(record.name), str(record.public_id))


def _observations(target) -> list[dict]:
    return [
        {"observed_on": o.observed_on, "value": o.value, "note": o.note}
        for o in sorted(target.observations.all(), key=lambda o: o.observed_on)
    ]


class TargetsKind(Kind):
    name = "targets"
    model = Target
    title = "Targets"
    key = ("campus", "metric", "programme", "organization")
    campus_scoped = True
    create_service = staticmethod(progress_services.target_create)
    update_service = staticmethod(progress_services.target_update)
    record_argument = "target"
    select_related = ("campus", "programme", "organization")
    prefetch_related = ("observations",)
    columns = (
        PUBLIC_ID,
        CAMPUS,
        Column("programme", Reference("progress.programme", "programme name or public id")),
        _organization("organization", help="The organisation, for a target that is not a programme's."),
        Column("metric", Text(200), required=True, help="What is counted: people screened."),
        Column("unit", Text(40), required=True),
        Column("baseline", Number(), help="Blank: 0 for a new target."),
        Column("goal", Number(), required=True),
        Column("starts_on", Date()),
        Column("due_on", Date(), required=True),
        Column(
            "observations",
            Records(Attribute("observed_on", Date()), Attribute("value", Number()), Attribute("note", Text(300))),
            help="`2021-06-30; value=250000 | 2021-12-31; value=1000000`. Added or corrected by date, never removed.",
            additive=True,
            read=_observations,
        ),
        PROVENANCE,
    )

    def sort_key(self, record):
        return (_campus_slug(record), fold(record.metric), _day(record.due_on), str(record.public_id))


class FieldsKind(Kind):
    """The field taxonomy: reference data kept by migrations and admins. An import adds missing fields only."""

    name = "fields"
    model = Field
    title = "Fields (taxonomy)"
    key = ("slug",)
    select_related = ("parent",)
    columns = (
        Column("slug", Text(64), required=True, help="The code of the field: drug-rd."),
        Column("name", Text(120), required=True),
        Column("name_zh", Text(120)),
        Column("parent", Reference("directory.field", "field code")),
    )

    def export_queryset(self, queryset):
        return queryset.select_related("parent__parent")

    def create(self, values, ctx: ImportContext):
        return directory_services.field_get_or_create(
            slug=values["slug"], name=values["name"], name_zh=values.get("name_zh", ""), parent=values.get("parent")
        )

    def find(self, values, ctx):
        return Field.objects.filter(slug=values.get("slug")).first()

    def changes(self, record, values):
        return {}

    def sort_key(self, record):
        depth, parent = 0, record.parent
        while parent is not None and depth < 20:
            depth, parent = depth + 1, parent.parent
        return (depth, record.slug)
