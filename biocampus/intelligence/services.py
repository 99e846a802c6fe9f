"""Writes of the intelligence app: ingesting documents, extracting their facts, and deciding each fact.

Accepting a fact writes the record through the owning app's service (directory, agreements, campuses,
progress, events), with a provenance naming the document and the sentence, so the record is checked and
kept exactly as if a person had typed it in, and its history says who accepted it.

A relation or milestone names organisations. Each name is resolved, in order, to the organisation an
accepted organisation fact of the same document became, then to the registry organisation the extractor
linked it to. A name still unresolved is an organisation fact not yet accepted: accepting the relation
refuses with the names to accept first, unless the reviewer asks to "accept with its organisations",
which accepts those organisation facts first, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, VIEW, access_for, require, visible
from biocampus.core import background
from biocampus.core.choices import DatePrecision, ProvenanceMethod
from biocampus.core.services import provenance_create, record_save

from .models import DocumentStatus, FactKind, FactStatus, IngestRun, ProposedFact, SourceDocument
from .readers import UnreadableDocument, max_ingest_bytes, normalise_text, read_document, title_from_text

logger = logging.getLogger(__name__)

# Relation types (ANNOTATION.md) -> agreement types (agreements/choices.py). joined_campus and investment
# are recorded otherwise (a residency, a funding round) and are handled before this table is read.
AGREEMENT_TYPES = {
    "strategic_cooperation": "strategic_cooperation",
    "framework_agreement": "framework",
    "cooperation_agreement": "cooperation",
    "partnership": "cooperation",
    "joint_development": "joint_development",
    "commercialization": "commercialisation",
    "licensing": "licensing",
    "investment": "investment",
    "acquisition": "other",
    "other_agreement": "other",
}
RELATION_TYPES = ("joined_campus", *AGREEMENT_TYPES)


@dataclass(frozen=True)
class IngestResult:
    document: SourceDocument | None
    created: bool  # False: the same text was ingested before; `document` is that one
    name: str = ""
    reason: str = ""  # why it failed, when document is None

    @property
    def outcome(self) -> str:
        if self.document is None:
            return "failed"
        return "new" if self.created else "existing"


def _readable(queryset, actor):
    """What `actor` may read of `queryset`; the system (actor None: commands, the worker) reads everything."""
    return queryset if actor is None else visible(queryset, actor)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _campus_for(actor, campus):
    """The campus a document is filed under: the one given; else the actor's only campus (a campus team
    member need not choose); else none for the system and superusers."""
    if campus is not None or actor is None:
        return campus
    access = access_for(actor)
    if access.is_superuser:
        return None
    if len(access.editor_campuses) == 1:
        from biocampus.campuses.models import Campus

        return Campus.objects.get(pk=next(iter(access.editor_campuses)))
    raise ValidationError({"campus": _("Choose the campus whose team reviews this document.")})


def ingest_text(
    *,
    actor,
    text: str,
    title: str = "",
    url: str = "",
    published_on=None,
    campus=None,
    file_name: str = "",
    run: IngestRun | None = None,
    extract: bool = True,
) -> IngestResult:
    """Store one document (and extract its facts), or return the stored one if the same text came before.

    The fingerprint is the SHA-256 of the normalised text, so the same release pasted with other line
    ends, a BOM or trailing blanks is still recognised. The document is stored in its own transaction and
    read after it commits (extract_document): a language model may take a minute, and on SQLite an open write
    transaction would keep every other writer waiting that long.
    """
    with transaction.atomic():
        document, created = _store_document(actor=actor, text=text, title=title, url=url,
                                            published_on=published_on, campus=campus, file_name=file_name,
                                            run=run)  # fmt: skip
    if not created:
        return IngestResult(document, created=False, name=file_name or document.title)
    if extract:
        extract_document(actor=actor, document=document)
    return IngestResult(document, created=True, name=file_name or document.title)


def _store_document(*, actor, text, title, url, published_on, campus, file_name, run) -> tuple[SourceDocument, bool]:
    require(actor, ADD, SourceDocument, campus=campus)
    campus = _campus_for(actor, campus)
    text = normalise_text(text or "")
    if not text:
        raise ValidationError({"text": _("The document holds no text.")})
    if len(text.encode("utf-8")) > max_ingest_bytes():
        raise ValidationError(
            {"text": _("The text is longer than the limit of %(limit)s MB.") % {"limit": max_ingest_bytes() // 1048576}}
        )
    sha256 = text_sha256(text)
    existing = SourceDocument.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing, False
    document = SourceDocument(
        title=normalise_text(title or "").replace("\n", " ")[:500] or title_from_text(text),
        url=(url or "").strip(),
        published_on=published_on,
        text=text,
        sha256=sha256,
        campus=campus,
        file_name=(file_name or "")[:255],
        ingested_by=actor if getattr(actor, "is_authenticated", False) else None,
        run=run,
    )
    document.full_clean()
    document._history_user = document.ingested_by
    document.save()
    return document, True


def ingest_file(*, actor, data: bytes, name: str, campus=None, run=None, extract: bool = True) -> IngestResult:
    """Read one file and ingest it. An unreadable file is a failed result (not an exception), so that a
    batch goes on with the next file; a permission refusal still raises."""
    try:
        title, text = read_document(data, name)
    except UnreadableDocument as error:
        return IngestResult(None, created=False, name=name, reason=str(error))
    try:
        return ingest_text(actor=actor, text=text, title=title, campus=campus, file_name=name, run=run,
                           extract=extract)  # fmt: skip
    except ValidationError as error:
        return IngestResult(None, created=False, name=name, reason=" ".join(error.messages))


def ingest_files(*, actor, files, campus=None, extract: bool = True) -> list[IngestResult]:
    """Ingest (name, bytes) pairs one by one, each in its own transaction: one bad file spoils no other."""
    return [ingest_file(actor=actor, data=data, name=name, campus=campus, extract=extract) for name, data in files]


# --- extraction ------------------------------------------------------------------------------------


EXTRACTORS = ("rules", "llm")


def extractor_named(name: str | None = None):
    """(extract, name, version) of the extractor `name` ("rules" or "llm"; default: BIOCAMPUS_EXTRACTOR).

    "rules" is the offline default. "llm" asks a language model (extraction/llm.py); its version is the
    model's name, so a campus can tell which model read a document. An "llm" without an endpoint raises
    LlmError here, before any document is touched."""
    from django.conf import settings

    from . import extraction

    name = (name or getattr(settings, "BIOCAMPUS_EXTRACTOR", "rules") or "rules").strip().lower()
    if name == "llm":
        from functools import partial

        from .extraction import llm

        config = llm.LlmConfig.from_settings()
        return partial(llm.extract, config=config), llm.EXTRACTOR_NAME, config.model
    if name != "rules":
        raise ValueError(f"Unknown extractor {name!r}; use one of {', '.join(EXTRACTORS)}.")
    version = str(getattr(extraction, "__version__", getattr(extraction, "VERSION", "")))
    return extraction.extract, getattr(extraction, "EXTRACTOR_NAME", "rules"), version


def _linker(actor):
    from biocampus.directory.models import Organization

    from .extraction.linking import RegistryLinker

    return RegistryLinker(_readable(Organization.objects.all(), actor))


def _fact_key(kind: str, values: dict) -> tuple:
    """What makes two facts the same, so a re-extraction does not propose again what was decided."""
    if kind == FactKind.RELATION:
        return (kind, values.get("type"), frozenset(str(p).lower() for p in values.get("parties") or []))
    if kind == FactKind.MILESTONE:
        return (kind, str(values.get("org", "")).lower(), values.get("kind"), str(values.get("value")))
    return (kind, str(values.get("name", "")).lower())


def extract_document(*, actor, document: SourceDocument) -> SourceDocument:
    """Run the extractor on a document and propose its facts. Facts already decided stay; undecided ones
    are replaced by the new reading.

    The extractor runs outside any transaction of ours (a language model may answer slowly, and an open
    write transaction would hold SQLite's write lock all that time); its proposals are then written in one."""
    from .extraction.llm import LlmError

    require(actor, CHANGE, document)
    try:
        # Chosen inside the try: a language model that is not configured is recorded on the document like any
        # other failure to read it.
        extract, name, version = extractor_named()
        result = extract(document.text, title=document.title or None, source=document.url or None,
                         linker=_linker(actor))  # fmt: skip
    except Exception as error:  # the document must end in a state the inbox shows, whatever happened
        if isinstance(error, LlmError):  # a message written for the campus admin: shown as it is
            logger.warning("extraction of document %s failed: %s", document.pk, error)
            document.failure = str(error)[:2000]
        else:
            logger.exception("extraction failed for document %s", document.pk)
            document.failure = f"{type(error).__name__}: {error}"[:2000]
        document.status = DocumentStatus.FAILED
        document._history_user = actor if getattr(actor, "is_authenticated", False) else None
        document.save()
        return document
    with transaction.atomic():
        _propose(actor=actor, document=document, result=result, name=name, version=version)
    return document


def _propose(*, actor, document: SourceDocument, result: dict, name: str, version: str) -> None:
    """Replace the document's undecided facts by the extractor's reading, each with its provenance."""
    document.facts.filter(status=FactStatus.PROPOSED).delete()
    decided = {_fact_key(fact.kind, fact.payload) for fact in document.facts.all()}
    position = 0
    for kind, key in ((FactKind.ORGANIZATION, "organizations"), (FactKind.RELATION, "relations"),
                      (FactKind.MILESTONE, "milestones"), (FactKind.EVENT, "events")):  # fmt: skip
        for item in result.get(key) or []:
            payload = {k: v for k, v in item.items() if k not in ("evidence", "evidence_start", "evidence_end")}
            if _fact_key(kind, payload) in decided:
                continue
            position += 1
            evidence, start, end = _evidence(document.text, item)
            fact = ProposedFact(document=document, kind=kind, position=position, payload=payload,
                                evidence=evidence, evidence_start=start, evidence_end=end)  # fmt: skip
            provenance = provenance_create(
                actor=actor, method=ProvenanceMethod.EXTRACTION, document=document, excerpt=evidence,
                note=f"{name} {version}".strip()[:255],
            )  # fmt: skip
            record_save(fact, actor=actor, provenance=provenance)
    document.extraction = result
    document.extractor, document.extractor_version = name[:60], version[:40]
    document.extracted_at = timezone.now()
    document.failure = ""
    document.status = DocumentStatus.EXTRACTED if document.facts.filter(status=FactStatus.PROPOSED).exists() else (
        DocumentStatus.REVIEWED
    )  # fmt: skip
    if result.get("title") and not document.title:
        document.title = str(result.get("title") or "")[:500]
    document._history_user = actor if getattr(actor, "is_authenticated", False) else None
    document.save()


def _evidence(text: str, item: dict) -> tuple[str, int, int]:
    """The evidence span, trusted only if the offsets really point at it (the interface promises they do)."""
    evidence = str(item.get("evidence") or "")
    start, end = item.get("evidence_start"), item.get("evidence_end")
    offsets_valid = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)
    if offsets_valid and (not evidence or text[start:end] == evidence):
        return text[start:end], start, end
    found = text.find(evidence) if evidence else -1
    if found >= 0:
        return evidence, found, found + len(evidence)
    return evidence, 0, 0


# --- decisions -------------------------------------------------------------------------------------


def _check_open(fact: ProposedFact) -> None:
    if fact.status != FactStatus.PROPOSED:
        raise ValidationError(
            {"__all__": _("This fact was already %(status)s.") % {"status": fact.get_status_display().lower()}}
        )


def _decided(fact: ProposedFact, *, actor, status: str, note: str = "") -> ProposedFact:
    fact.status = status
    fact.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    fact.decided_at = timezone.now()
    if note:
        fact.note = note[:300]
    record_save(fact, actor=actor)
    document = fact.document
    if not document.facts.filter(status=FactStatus.PROPOSED).exists() and document.status != DocumentStatus.REVIEWED:
        document.status = DocumentStatus.REVIEWED
        document._history_user = fact.decided_by
        document.save(update_fields=["status"])
    return fact


@transaction.atomic
def reject_fact(*, actor, fact: ProposedFact, note: str = "") -> ProposedFact:
    require(actor, CHANGE, fact)
    _check_open(fact)
    return _decided(fact, actor=actor, status=FactStatus.REJECTED, note=note)


@transaction.atomic
def accept_fact(*, actor, fact: ProposedFact, with_organizations: bool = False) -> ProposedFact:
    """Write the record the fact describes. `with_organizations`: accept first the organisation facts of
    this document that a relation or milestone names and that are not accepted yet."""
    require(actor, CHANGE, fact)
    _check_open(fact)
    writer = {
        FactKind.ORGANIZATION: _accept_organization,
        FactKind.RELATION: _accept_relation,
        FactKind.MILESTONE: _accept_milestone,
        FactKind.EVENT: _accept_event,
    }[fact.kind]
    writer(fact, actor=actor, with_organizations=with_organizations)
    _decided(fact, actor=actor, status=FactStatus.ACCEPTED)
    return fact


@transaction.atomic
def edit_and_accept_fact(*, actor, fact: ProposedFact, payload: dict, with_organizations: bool = False):
    """Accept the fact as the reviewer corrected it; the extractor's reading stays in `payload`."""
    require(actor, CHANGE, fact)
    _check_open(fact)
    edited = dict(fact.payload)
    edited.update(payload)
    if fact.kind == FactKind.ORGANIZATION and edited.get("name") != fact.payload.get("name"):
        edited["match"] = None  # a renamed organisation is not the one the extractor linked
    fact.edited_payload = edited
    return accept_fact(actor=actor, fact=fact, with_organizations=with_organizations)


def _provenance(fact: ProposedFact, *, actor):
    return provenance_create(
        actor=actor, method=ProvenanceMethod.EXTRACTION, document=fact.document, excerpt=fact.evidence
    )


def _required_campus(fact: ProposedFact):
    if fact.document.campus_id is None:
        raise ValidationError(
            {"__all__": _("This document belongs to no campus, so this fact cannot be recorded: a %(kind)s is a "
                          "campus's record. File the document under a campus first.")
             % {"kind": fact.get_kind_display().lower()}}
        )  # fmt: skip
    return fact.document.campus


def _choice(value, choices, default: str) -> str:
    value = str(value or "").strip().lower()
    return value if value in {key for key, _label in choices} else default


def _accept_organization(fact: ProposedFact, *, actor, with_organizations: bool = False) -> None:
    from biocampus.directory.choices import OrganizationKind
    from biocampus.directory.models import Organization
    from biocampus.directory.services import organization_create

    values = fact.values
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("An organisation needs a name.")})
    existing = None
    match = values.get("match") or {}
    readable = _readable(Organization.objects.all(), actor)
    if match.get("public_id"):
        existing = readable.filter(public_id=match["public_id"]).first()
    if existing is None:  # never a second organisation of the same name
        existing = readable.filter(name__iexact=name).first()
    if existing is not None:
        fact.organization = existing
        return
    country = str(values.get("country") or "").strip().upper()
    aliases = [str(alias).strip() for alias in values.get("aliases") or [] if str(alias).strip()]
    fact.organization = organization_create(
        actor=actor,
        name=name,
        kind=_choice(values.get("kind"), OrganizationKind.choices, OrganizationKind.OTHER),
        country=country if len(country) == 2 else "",
        aliases=aliases,
        provenance=_provenance(fact, actor=actor),
    )


def _organization_named(fact: ProposedFact, name: str, *, actor, with_organizations: bool, missing: list):
    """The organisation a relation or milestone means by `name` (see the module's docstring)."""
    from biocampus.directory.models import Organization

    wanted = str(name or "").strip().lower()
    candidates = fact.document.facts.filter(kind=FactKind.ORGANIZATION).exclude(status=FactStatus.REJECTED)
    for candidate in candidates:
        values = candidate.values
        names = [str(values.get("name") or "")] + [str(alias) for alias in values.get("aliases") or []]
        if wanted not in {n.strip().lower() for n in names}:
            continue
        if candidate.status == FactStatus.ACCEPTED and candidate.organization_id:
            return candidate.organization
        match = values.get("match") or {}
        if match.get("public_id"):
            linked = _readable(Organization.objects.filter(public_id=match["public_id"]), actor).first()
            if linked is not None:
                return linked
        if with_organizations:
            accept_fact(actor=actor, fact=candidate)
            return candidate.organization
        missing.append(str(values.get("name")))
        return None
    registry = _readable(Organization.objects.filter(Q(name__iexact=name.strip()) | Q(aliases__icontains=name.strip())),
                       actor)  # fmt: skip
    for organization in registry[:5]:  # aliases__icontains is a prefilter: check the alias exactly
        if organization.name.lower() == wanted or wanted in {a.lower() for a in organization.aliases or []}:
            return organization
    missing.append(str(name))
    return None


def _organizations(fact: ProposedFact, names, *, actor, with_organizations: bool) -> list:
    missing: list[str] = []
    found = [_organization_named(fact, name, actor=actor, with_organizations=with_organizations, missing=missing)
             for name in names]  # fmt: skip
    if missing:
        raise ValidationError(
            {"__all__": _("Accept these organisations first (or accept with its organisations): %(names)s.")
             % {"names": ", ".join(missing)}}
        )  # fmt: skip
    return found


def parse_fact_date(value) -> tuple[dt.date | None, str]:
    """'2019-09-03' or '2019-09' (month precision, stored as the first of the month), else None."""
    value = str(value or "").strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value), DatePrecision.DAY
        if len(value) == 7:
            return dt.date.fromisoformat(f"{value}-01"), DatePrecision.MONTH
    except ValueError:
        pass
    if value:
        raise ValidationError({"date": _("“%(value)s” is not a date (YYYY-MM-DD or YYYY-MM).") % {"value": value}})
    return None, DatePrecision.DAY


def _accept_relation(fact: ProposedFact, *, actor, with_organizations: bool = False) -> None:
    values = fact.values
    relation_type = str(values.get("type") or "")
    if relation_type not in RELATION_TYPES:
        raise ValidationError(
            {"type": _("“%(type)s” is not a relation type BioCampus records.") % {"type": relation_type}}
        )
    names = [str(name) for name in values.get("parties") or [] if str(name).strip()]
    if len(names) < 2:
        raise ValidationError({"parties": _("A relation needs at least two parties.")})
    campus = None if relation_type == "joined_campus" else _required_campus(fact)  # a residency is the host's
    parties = _organizations(fact, names, actor=actor, with_organizations=with_organizations)
    date, _precision = parse_fact_date(values.get("date"))
    if relation_type == "joined_campus":
        _accept_residency(fact, parties, date=date, actor=actor)
    elif relation_type == "investment" and len(parties) == 2:
        from biocampus.progress.choices import FundingRoundType
        from biocampus.progress.services import funding_round_create

        investor, recipient = parties
        fact.funding_round = funding_round_create(
            actor=actor, campus=campus, recipient=recipient, round_type=FundingRoundType.UNDISCLOSED,
            investors=[{"investor": investor, "is_lead": True}], announced_on=date,
            description=fact.evidence[:2000], provenance=_provenance(fact, actor=actor),
        )  # fmt: skip
    else:
        _accept_agreement(fact, parties, relation_type=relation_type, campus=campus, date=date, actor=actor)


def _accept_residency(fact: ProposedFact, parties, *, date, actor) -> None:
    from biocampus.campuses.choices import ResidencyStatus
    from biocampus.campuses.models import Campus, Residency
    from biocampus.campuses.services import residency_create

    joiner, host = parties[0], parties[-1]
    campus = Campus.objects.filter(organization=host).first()
    if campus is None:
        raise ValidationError(
            {"__all__": _("%(host)s is not a campus in the registry, so joining it cannot be recorded as a "
                          "residency. Reject the fact, or record the link by hand.") % {"host": host.name}}
        )  # fmt: skip
    existing = Residency.objects.filter(organization=joiner, campus=campus).first()
    if existing is not None:
        require(actor, VIEW, existing)
        fact.residency = existing
        return
    fact.residency = residency_create(
        actor=actor, organization=joiner, campus=campus, status=ResidencyStatus.SIGNED, signed_on=date,
        notes=fact.evidence[:2000], provenance=_provenance(fact, actor=actor),
    )  # fmt: skip


def _accept_agreement(fact: ProposedFact, parties, *, relation_type: str, campus, date, actor) -> None:
    from biocampus.agreements.choices import AgreementStatus, AgreementType
    from biocampus.agreements.models import Agreement
    from biocampus.agreements.services import agreement_create

    agreement_type = AGREEMENT_TYPES[relation_type]
    wanted = {party.pk for party in parties}
    # The same agreement already recorded (same campus, type and parties): link it, do not record it twice.
    same = _readable(
        Agreement.objects.filter(campus=campus, type=agreement_type, parties__organization=parties[0]), actor
    )
    for agreement in same.prefetch_related("parties").distinct():
        if {party.organization_id for party in agreement.parties.all()} == wanted:
            fact.agreement = agreement
            return
    label = dict(AgreementType.choices)[agreement_type]
    if relation_type == "acquisition":
        label = _("Acquisition")
    title = f"{label}: {', '.join(party.name for party in parties)}"[:300]
    fact.agreement = agreement_create(
        actor=actor, campus=campus, title=title, type=agreement_type, parties=parties,
        status=AgreementStatus.SIGNED if date or "agreement" in relation_type else AgreementStatus.ACTIVE,
        signed_on=date, summary=fact.evidence[:4000], provenance=_provenance(fact, actor=actor),
    )  # fmt: skip


def _accept_milestone(fact: ProposedFact, *, actor, with_organizations: bool = False) -> None:
    from biocampus.progress.choices import MilestoneKind
    from biocampus.progress.services import milestone_create

    values = fact.values
    campus = _required_campus(fact)
    (organization,) = _organizations(fact, [str(values.get("org") or "")], actor=actor,
                                     with_organizations=with_organizations)  # fmt: skip
    kind = _choice(values.get("kind"), MilestoneKind.choices, MilestoneKind.OTHER)
    value = values.get("value")
    if value not in (None, ""):
        try:
            value = Decimal(str(value))
        except InvalidOperation as error:
            raise ValidationError({"value": _("“%(value)s” is not a number.") % {"value": value}}) from error
    else:
        value = None
    unit = str(values.get("unit") or "").strip()
    date, precision = parse_fact_date(values.get("date"))
    label = dict(MilestoneKind.choices)[kind]
    title = f"{label}: {value.normalize():f} {unit}".strip() if value is not None else str(label)
    fact.milestone = milestone_create(
        actor=actor, campus=campus, organization=organization, kind=kind, title=title[:300], value=value,
        unit=unit[:40], occurred_on=date, date_precision=precision, description=fact.evidence[:4000],
        provenance=_provenance(fact, actor=actor),
    )  # fmt: skip


def _accept_event(fact: ProposedFact, *, actor, with_organizations: bool = False) -> None:
    from biocampus.events.models import Event
    from biocampus.events.services import event_create

    values = fact.values
    campus = _required_campus(fact)
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("An event needs a name.")})
    existing = _readable(Event.objects.filter(campus=campus, name__iexact=name), actor).first()
    if existing is not None:
        fact.event = existing
        return
    date, _precision = parse_fact_date(values.get("date"))
    fact.event = event_create(
        actor=actor, campus=campus, name=name[:300], starts_on=date, place=str(values.get("place") or "")[:200],
        description=fact.evidence[:4000], provenance=_provenance(fact, actor=actor),
    )  # fmt: skip


# --- batches on the background worker --------------------------------------------------------------


def background_threshold() -> int:
    """Batches of more documents than this go to the background worker (the command and the upload page)."""
    from django.conf import settings

    return int(getattr(settings, "BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD", 20))


@transaction.atomic
def ingest_run_queue(*, actor, documents: list[dict], campus=None, failures: list[dict] | tuple = ()) -> IngestRun:
    """Queue documents already read (dicts of name, title, text) for the background worker.

    Files are read before queueing, so an unreadable one is reported at once (`failures`: name and
    reason) and the queue holds only text. `biocampus db_worker` stores and extracts them; when no worker
    runs, the run's page does it after a grace period (see views.ingest_run_progress).
    """
    require(actor, ADD, IngestRun, campus=campus)
    campus = _campus_for(actor, campus)
    run = IngestRun(
        campus=campus,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        pending=[
            {"name": str(d.get("name", "")), "title": str(d.get("title", "")), "text": str(d["text"])}
            for d in documents
        ],  # fmt: skip
        results=[{"name": f["name"], "outcome": "failed", "reason": f["reason"], "document": None} for f in failures],
        progress_total=len(documents),
    )
    record_save(run, actor=actor)
    background.enqueue_on_commit("biocampus.intelligence.tasks.run_ingest", run.pk, what="ingest run")
    return run


def ingest_run_claim(run_id: int) -> bool:
    """Take a queued run; False if a worker or another request already did."""
    return background.claim(IngestRun, run_id)


def ingest_run_execute(run_id: int, *, progress=None) -> IngestRun | None:
    """Store and extract the documents of a queued run, each in its own transaction (one bad document
    spoils no other, and the run's progress is visible while it runs). None if the run was not claimed.

    Runs as the user who queued it: the worker has no request, but the permissions are theirs.
    """
    if not ingest_run_claim(run_id):
        return None
    run = IngestRun.objects.select_related("created_by", "campus").get(pk=run_id)
    results = list(run.results)
    try:
        for done, item in enumerate(run.pending, start=1):
            try:
                result = ingest_text(actor=run.created_by, text=item["text"], title=item.get("title", ""),
                                     campus=run.campus, file_name=item.get("name", ""), run=run)  # fmt: skip
                results.append({"name": item.get("name", ""), "outcome": result.outcome, "reason": "",
                                "document": str(result.document.public_id)})  # fmt: skip
            except ValidationError as error:
                results.append({"name": item.get("name", ""), "outcome": "failed",
                                "reason": " ".join(error.messages), "document": None})  # fmt: skip
            IngestRun.objects.filter(pk=run.pk).update(progress_done=done)
            if progress is not None:
                progress(results[-1])
        run.status = IngestRun.Status.DONE
    except Exception as error:  # the run must end in a state its page can show
        logger.exception("ingest run %s failed", run.pk)
        results.append({"name": "", "outcome": "failed", "reason": f"{type(error).__name__}: {error}",
                        "document": None})  # fmt: skip
        run.status = IngestRun.Status.FAILED
    run.results = results
    run.pending = []
    run.progress_done = IngestRun.objects.filter(pk=run.pk).values_list("progress_done", flat=True).first() or 0
    run.finished_at = timezone.now()
    run._history_user = run.created_by
    run.save()
    return run
