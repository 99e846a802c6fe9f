"""Deciding proposed facts: accepting writes through the other apps' services with provenance to the
document and sentence; editing, rejecting, organisations first, permissions per role, bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from biocampus.agreements.models import Agreement
from biocampus.campuses.models import Residency
from biocampus.core.choices import ProvenanceMethod
from biocampus.core.services import provenance_create, record_save
from biocampus.directory.models import Organization
from biocampus.events.models import Event
from biocampus.intelligence import services
from biocampus.intelligence.models import DocumentStatus, FactKind, FactStatus, ProposedFact
from biocampus.progress.models import FundingRound, Milestone

TEXT = (
    "Riverside Science Park welcomed Acme Bio, a US-based start-up, on 3 May 2024.\n\n"
    "Acme Bio and Beta Pharma signed a strategic cooperation agreement at the Riverside Health Summit.\n\n"
    "Acme Bio raised USD 12 million from Gamma Ventures.\n\n"
    "The Riverside Health Summit took place in Riverside."
)


def sentence(number: int) -> str:
    return TEXT.split("\n\n")[number]


@pytest.fixture
def document(users, campus_a):
    return services.ingest_text(actor=users.campus_staff, text=TEXT, title="Acme news", campus=campus_a,
                                extract=False).document  # fmt: skip


def propose(document, kind, payload, evidence_sentence: int, *, actor=None) -> ProposedFact:
    """A fact as the extractor proposes it (arranged directly, so each test knows exactly what it decides)."""
    evidence = sentence(evidence_sentence)
    start = document.text.index(evidence)
    fact = ProposedFact(document=document, kind=kind, payload=payload, evidence=evidence, evidence_start=start,
                        evidence_end=start + len(evidence), position=ProposedFact.objects.count() + 1)  # fmt: skip
    provenance = provenance_create(method=ProvenanceMethod.EXTRACTION, document=document, excerpt=evidence)
    return record_save(fact, actor=actor, provenance=provenance)


def org(document, name, kind="company", country=None, aliases=(), evidence=0, match=None):
    payload = {"name": name, "kind": kind, "country": country, "aliases": list(aliases), "match": match}
    return propose(document, FactKind.ORGANIZATION, payload, evidence)


def assert_cites(record, document, evidence_sentence: int):
    assert record.provenance.method == ProvenanceMethod.EXTRACTION
    assert record.provenance.document == document
    assert record.provenance.excerpt == sentence(evidence_sentence)


def test_accepting_a_new_organisation_creates_it_with_provenance_and_history(users, document):
    fact = org(document, "Acme Bio", country="US", aliases=["Acme"])
    services.accept_fact(actor=users.campus_staff, fact=fact)
    fact.refresh_from_db()
    organization = Organization.objects.get(name="Acme Bio")
    assert (organization.kind, organization.country.code, organization.aliases) == ("company", "US", ["Acme"])
    assert fact.status == FactStatus.ACCEPTED and fact.organization == organization
    assert fact.decided_by == users.campus_staff and fact.decided_at is not None
    assert_cites(organization, document, 0)
    assert organization.history.first().history_user == users.campus_staff
    assert fact.history.first().status == FactStatus.ACCEPTED


def test_accepting_an_organisation_the_registry_has_links_it_instead_of_a_duplicate(users, document, resident_org):
    fact = org(document, "Teddy Lab Services", match={"public_id": str(resident_org.public_id), "name": "Teddy Lab",
                                                      "how": "fuzzy", "score": 0.9})  # fmt: skip
    count = Organization.objects.count()
    services.accept_fact(actor=users.campus_staff, fact=fact)
    assert fact.organization == resident_org
    assert Organization.objects.count() == count


def test_same_name_in_registry_is_linked_even_without_a_match(users, document, neighbour_org):
    fact = org(document, "neighbour bio")
    services.accept_fact(actor=users.campus_staff, fact=fact)
    assert fact.organization == neighbour_org


def test_edit_and_accept_an_organisation_keeps_the_extracted_reading(users, document):
    fact = org(document, "Acme Bio Inc", kind="other")
    services.edit_and_accept_fact(actor=users.campus_staff, fact=fact,
                                  payload={"name": "Acme Bio", "kind": "company", "country": "US"})  # fmt: skip
    fact.refresh_from_db()
    assert fact.payload["name"] == "Acme Bio Inc"
    assert fact.edited_payload["name"] == "Acme Bio"
    assert Organization.objects.filter(name="Acme Bio", kind="company", country="US").exists()


def test_rejecting_writes_nothing_but_the_decision(users, document, db_rows):
    fact = org(document, "Riverside")
    services.reject_fact(actor=users.campus_staff, fact=fact, note="a place")
    fact.refresh_from_db()
    assert fact.status == FactStatus.REJECTED and fact.note == "a place"
    assert not Organization.objects.filter(name="Riverside").exists()
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVIEWED  # nothing left to decide


def test_a_decided_fact_cannot_be_decided_again(users, document):
    fact = org(document, "Acme Bio")
    services.reject_fact(actor=users.campus_staff, fact=fact)
    with pytest.raises(ValidationError, match="already rejected"):
        services.accept_fact(actor=users.campus_staff, fact=fact)


def relation(document, type_, parties, evidence=1, date=None, event=None):
    return propose(document, FactKind.RELATION, {"type": type_, "parties": parties, "event": event, "date": date},
                   evidence)  # fmt: skip


def test_relation_with_organisations_not_accepted_is_refused_and_names_them(users, document, db_rows):
    org(document, "Acme Bio")
    org(document, "Beta Pharma", kind="pharma")
    fact = relation(document, "strategic_cooperation", ["Acme Bio", "Beta Pharma"])
    before = db_rows()
    with pytest.raises(ValidationError, match="Acme Bio, Beta Pharma"):
        services.accept_fact(actor=users.campus_staff, fact=fact)
    assert db_rows() == before


def test_relation_accepted_with_its_organisations_writes_an_agreement_with_parties(users, document, campus_a):
    acme, beta = org(document, "Acme Bio"), org(document, "Beta Pharma", kind="pharma")
    fact = relation(document, "strategic_cooperation", ["Acme Bio", "Beta Pharma"], date="2024-05-03")
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    agreement = Agreement.objects.get()
    assert agreement.type == "strategic_cooperation" and agreement.campus == campus_a
    assert agreement.signed_on == datetime.date(2024, 5, 3)
    assert {p.organization.name for p in agreement.parties.all()} == {"Acme Bio", "Beta Pharma"}
    assert_cites(agreement, document, 1)
    acme.refresh_from_db(), beta.refresh_from_db()
    assert acme.status == beta.status == FactStatus.ACCEPTED
    assert fact.agreement == agreement


@pytest.mark.parametrize(
    ("relation_type", "agreement_type"),
    [("framework_agreement", "framework"), ("cooperation_agreement", "cooperation"), ("partnership", "cooperation"),
     ("joint_development", "joint_development"), ("commercialization", "commercialisation"),
     ("licensing", "licensing"), ("other_agreement", "other"), ("acquisition", "other")],
)  # fmt: skip
def test_relation_types_map_to_agreement_types(users, document, relation_type, agreement_type):
    org(document, "Acme Bio"), org(document, "Beta Pharma")
    fact = relation(document, relation_type, ["Acme Bio", "Beta Pharma"])
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    assert Agreement.objects.get().type == agreement_type


def test_joined_campus_becomes_a_residency_at_the_host_campus(users, document, campus_a):
    org(document, "Acme Bio")
    org(document, "Campus A", kind="campus", match={"public_id": str(campus_a.organization.public_id),
                                                   "name": "Campus A", "how": "name", "score": 1.0})  # fmt: skip
    fact = relation(document, "joined_campus", ["Acme Bio", "Campus A"], evidence=0, date="2024-05-03")
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    residency = Residency.objects.get(organization__name="Acme Bio")
    assert residency.campus == campus_a and residency.status == "signed"
    assert residency.signed_on == datetime.date(2024, 5, 3)
    assert_cites(residency, document, 0)


def test_joined_campus_of_a_host_that_is_no_campus_explains_why(users, document, db_rows):
    org(document, "Acme Bio"), org(document, "Riverside Science Park", kind="campus")
    fact = relation(document, "joined_campus", ["Acme Bio", "Riverside Science Park"], evidence=0)
    services.accept_fact(actor=users.campus_staff, fact=org(document, "Placeholder"))  # something else accepted
    before = db_rows()
    with pytest.raises(ValidationError, match="not a campus in the registry"):
        services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    assert db_rows() == before  # nor were its organisations accepted: one transaction


def test_joined_campus_already_resident_links_the_residency(users, document, campus_a, resident_org):
    org(document, "Teddy Lab"), org(document, "Campus A", kind="campus")
    fact = relation(document, "joined_campus", ["Teddy Lab", "Campus A"], evidence=0)
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    assert fact.residency == Residency.objects.get(organization=resident_org, campus=campus_a)


def test_investment_becomes_a_funding_round_with_the_investor_leading(users, document, campus_a):
    org(document, "Gamma Ventures", kind="investor", evidence=2), org(document, "Acme Bio", evidence=2)
    fact = relation(document, "investment", ["Gamma Ventures", "Acme Bio"], evidence=2)
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    funding_round = FundingRound.objects.get()
    assert funding_round.recipient.name == "Acme Bio" and funding_round.campus == campus_a
    assert [(i.investor.name, i.is_lead) for i in funding_round.investments.all()] == [("Gamma Ventures", True)]
    assert_cites(funding_round, document, 2)


def test_milestone_accepted_writes_a_progress_milestone(users, document, campus_a):
    org(document, "Acme Bio", evidence=2)
    fact = propose(document, FactKind.MILESTONE, {"org": "Acme Bio", "kind": "funding", "value": 12000000,
                                                  "unit": "USD", "date": "2024-05"}, 2)  # fmt: skip
    services.accept_fact(actor=users.campus_staff, fact=fact, with_organizations=True)
    milestone = Milestone.objects.get()
    assert (milestone.kind, milestone.value, milestone.unit) == ("funding", Decimal("12000000"), "USD")
    assert (milestone.occurred_on, milestone.date_precision) == (datetime.date(2024, 5, 1), "month")
    assert milestone.organization.name == "Acme Bio" and milestone.campus == campus_a
    assert_cites(milestone, document, 2)


def test_milestone_edit_with_a_bad_date_is_refused(users, document, db_rows):
    org(document, "Acme Bio", evidence=2)
    fact = propose(document, FactKind.MILESTONE, {"org": "Acme Bio", "kind": "other", "value": None, "unit": None,
                                                  "date": None}, 2)  # fmt: skip
    before = db_rows()
    with pytest.raises(ValidationError, match="not a date"):
        services.edit_and_accept_fact(actor=users.campus_staff, fact=fact, payload={"date": "May 2024"},
                                      with_organizations=True)  # fmt: skip
    assert db_rows() == before


def test_event_accepted_writes_an_event(users, document, campus_a):
    fact = propose(document, FactKind.EVENT, {"name": "Riverside Health Summit", "date": "2024-05-03",
                                              "place": "Riverside"}, 3)  # fmt: skip
    services.accept_fact(actor=users.campus_staff, fact=fact)
    event = Event.objects.get()
    assert (event.name, event.place, event.campus, event.starts_on) == (
        "Riverside Health Summit",
        "Riverside",
        campus_a,
        datetime.date(2024, 5, 3),
    )
    assert_cites(event, document, 3)


def test_a_document_of_no_campus_cannot_give_campus_records(users, db_rows):
    document = services.ingest_text(actor=users.superuser, text=TEXT, extract=False).document
    assert document.campus is None
    fact = propose(document, FactKind.EVENT, {"name": "Riverside Health Summit", "date": None, "place": None}, 3)
    before = db_rows()
    with pytest.raises(ValidationError, match="belongs to no campus"):
        services.accept_fact(actor=users.superuser, fact=fact)
    assert db_rows() == before


@pytest.mark.parametrize("role", ["campus_admin", "campus_staff", "superuser"])
def test_campus_team_may_decide(users, document, role):
    fact = org(document, "Acme Bio")
    services.accept_fact(actor=getattr(users, role), fact=fact)
    assert fact.status == FactStatus.ACCEPTED


@pytest.mark.parametrize("role", ["resident_member", "partner", "government", "resident_b", "no_membership"])
def test_others_may_not_decide_nor_ingest(users, document, campus_a, role, db_rows):
    fact = org(document, "Acme Bio")
    before = db_rows()
    user = getattr(users, role)
    with pytest.raises(PermissionDenied):
        services.accept_fact(actor=user, fact=fact)
    with pytest.raises(PermissionDenied):
        services.reject_fact(actor=user, fact=fact)
    with pytest.raises(PermissionDenied):
        services.ingest_text(actor=user, text="Another text.", campus=campus_a, extract=False)
    assert db_rows() == before


def test_staff_of_another_campus_may_not_decide(users, campus_b, document):
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="staff_b")
    MembershipFactory(user=other, campus=campus_b, role="campus_staff")
    with pytest.raises(PermissionDenied):
        services.accept_fact(actor=other, fact=org(document, "Acme Bio"))


def test_an_agreement_already_recorded_is_linked_not_recorded_twice(users, document, campus_a):
    org(document, "Acme Bio"), org(document, "Beta Pharma")
    first = relation(document, "cooperation_agreement", ["Acme Bio", "Beta Pharma"])
    services.accept_fact(actor=users.campus_staff, fact=first, with_organizations=True)
    second = relation(document, "cooperation_agreement", ["Beta Pharma", "Acme Bio"], evidence=2)
    services.accept_fact(actor=users.campus_staff, fact=second)
    assert Agreement.objects.count() == 1 and second.agreement == first.agreement


def test_accepting_announces_the_written_record_s_own_event(users, campus_a, django_capture_on_commit_callbacks):
    from biocampus.core.events import _listeners, subscribe

    heard = []
    subscribe(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = services.ingest_text(
                actor=users.campus_staff, text=TEXT, campus=campus_a, extract=False
            ).document
        with django_capture_on_commit_callbacks(execute=True):
            services.accept_fact(actor=users.campus_staff, fact=org(document, "Acme Bio"))
    finally:
        _listeners.remove(heard.append)
    names = [(event.name, event.model, event.campus_id) for event in heard]
    # Documents and facts announce nothing themselves: the API does not serve them, so a webhook could not
    # point at them; what they become announces itself.
    assert not any(model.startswith("intelligence.") for _n, model, _c in names)
    assert ("organization.created", "directory.organization", None) in [(n, m, None) for n, m, _c in names]
