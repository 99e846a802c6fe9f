"""factory_boy factories for every domain model.

Factories are test setup: they write rows directly, without going through the services, so the rows
they make carry no history user. Every record still gets its own Provenance (the column is not null).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from biocampus.accounts.choices import Role
from biocampus.accounts.models import Membership, User
from biocampus.agreements.choices import AgreementType, PartyRole
from biocampus.agreements.models import Agreement, AgreementParty, Obligation
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Campus, CampusOperator, Residency
from biocampus.core.choices import ProvenanceMethod
from biocampus.core.models import Provenance
from biocampus.directory.choices import IdentifierScheme, OrganizationKind
from biocampus.directory.models import Field, Organization, OrganizationIdentifier, Person
from biocampus.directory.services import organization_search_text
from biocampus.events.choices import EventKind, ParticipationRole
from biocampus.events.models import Event, Participation, Showcase
from biocampus.progress.choices import FundingRoundType, MilestoneKind
from biocampus.progress.models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target


class ProvenanceFactory(DjangoModelFactory):
    class Meta:
        model = Provenance

    method = ProvenanceMethod.SYSTEM
    note = "test setup"


class RecordFactory(DjangoModelFactory):
    """Base of the domain-record factories: each record gets a provenance of its own."""

    class Meta:
        abstract = True

    provenance = factory.SubFactory(ProvenanceFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-field-{n}")
    name = factory.Sequence(lambda n: f"Test field {n}")


class OrganizationFactory(RecordFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.COMPANY
    country = "CN"
    city = "Wuxi"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Keep the search column as directory.services would, so that search-based code sees real rows.
        organization = model_class(*args, **kwargs)
        organization.search_text = organization_search_text(organization, identifiers=[])
        organization.save()
        return organization

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if create and extracted:
            self.fields.set(extracted)


class OrganizationIdentifierFactory(RecordFactory):
    class Meta:
        model = OrganizationIdentifier

    organization = factory.SubFactory(OrganizationFactory)
    scheme = IdentifierScheme.USCC
    value = factory.Sequence(lambda n: f"91320200MA{n:08d}")


class PersonFactory(RecordFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    organization = factory.SubFactory(OrganizationFactory)
    title = "Head of partnerships"


class CampusFactory(RecordFactory):
    """A campus together with its Organization of kind campus (its names, country and city)."""

    class Meta:
        model = Campus

    organization = factory.SubFactory(
        OrganizationFactory, kind=OrganizationKind.CAMPUS, name=factory.Sequence(lambda n: f"Campus {n}")
    )
    slug = factory.Sequence(lambda n: f"campus-{n}")
    opened_on = datetime.date(2019, 9, 1)


class CampusOperatorFactory(RecordFactory):
    class Meta:
        model = CampusOperator

    campus = factory.SubFactory(CampusFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.GOVERNMENT)


class ResidencyFactory(RecordFactory):
    """A signed, moved-in residency unless told otherwise."""

    class Meta:
        model = Residency

    organization = factory.SubFactory(OrganizationFactory)
    campus = factory.SubFactory(CampusFactory)
    status = ResidencyStatus.RESIDENT
    signed_on = datetime.date(2020, 1, 15)
    moved_in_on = datetime.date(2020, 3, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    campus = factory.SubFactory(CampusFactory)
    role = Role.CAMPUS_STAFF
    organization = None


class AgreementFactory(RecordFactory):
    """An agreement; pass `parties=[org, (org, role), ...]` to add its parties."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    campus = factory.SubFactory(CampusFactory)
    title = factory.Sequence(lambda n: f"Cooperation agreement {n}")
    type = AgreementType.COOPERATION
    signed_on = datetime.date(2021, 5, 20)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for item in extracted:
            organization, role = item if isinstance(item, tuple) else (item, PartyRole.PARTY)
            AgreementPartyFactory(agreement=self, organization=organization, role=role)


class AgreementPartyFactory(RecordFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = PartyRole.PARTY


class ObligationFactory(RecordFactory):
    class Meta:
        model = Obligation

    agreement = factory.SubFactory(AgreementFactory)
    description = factory.Sequence(lambda n: f"Deliver report {n}")
    due_on = datetime.date(2022, 1, 1)


class EventFactory(RecordFactory):
    class Meta:
        model = Event

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"Life science summit {n}")
    kind = EventKind.SUMMIT
    starts_on = datetime.date(2020, 11, 5)
    ends_on = datetime.date(2020, 11, 10)
    city = "Shanghai"


class ParticipationFactory(RecordFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = ParticipationRole.EXHIBITOR


class ShowcaseFactory(RecordFactory):
    class Meta:
        model = Showcase

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    offering = factory.Sequence(lambda n: f"Diagnostic kit {n}")


class MilestoneFactory(RecordFactory):
    class Meta:
        model = Milestone

    campus = factory.SubFactory(CampusFactory)
    organization = factory.SubFactory(OrganizationFactory)
    kind = MilestoneKind.MARKET_REACH
    title = factory.Sequence(lambda n: f"Devices in hospitals {n}")
    occurred_on = datetime.date(2021, 6, 30)
    value = Decimal("470")
    unit = "hospitals"


class ProgrammeFactory(RecordFactory):
    """A programme; pass `organizations=[...]` for the organisations that run it."""

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"Screening programme {n}")

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)


class TargetFactory(RecordFactory):
    """A target of an organisation (set `organization=None, programme=...` for a programme's target)."""

    class Meta:
        model = Target

    campus = factory.SubFactory(CampusFactory)
    organization = factory.SubFactory(OrganizationFactory)
    programme = None
    metric = "people screened"
    unit = "people"
    goal = Decimal("1000000")
    due_on = datetime.date(2021, 12, 31)


class ObservationFactory(RecordFactory):
    class Meta:
        model = Observation

    target = factory.SubFactory(TargetFactory)
    observed_on = datetime.date(2021, 6, 30)
    value = Decimal("250000")


class FundingRoundFactory(RecordFactory):
    """A funding round; pass `investors=[org, {"investor": org, "is_lead": True}, ...]` to add investments."""

    class Meta:
        model = FundingRound
        skip_postgeneration_save = True

    campus = factory.SubFactory(CampusFactory)
    recipient = factory.SubFactory(OrganizationFactory)
    round_type = FundingRoundType.SERIES_A
    amount = Decimal("10000000")
    currency = "CNY"
    announced_on = datetime.date(2021, 3, 1)

    @factory.post_generation
    def investors(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for item in extracted:
            values = dict(item) if isinstance(item, dict) else {"investor": item}
            FundingInvestmentFactory(funding_round=self, **values)


class FundingInvestmentFactory(RecordFactory):
    class Meta:
        model = FundingInvestment

    funding_round = factory.SubFactory(FundingRoundFactory)
    investor = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.INVESTOR)
    is_lead = False
