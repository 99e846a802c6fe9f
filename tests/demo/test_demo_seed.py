"""The demo campus tells the seed story: every organisation, signing, showcase, agreement and figure of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps

from biocampus.accounts.choices import Role
from biocampus.accounts.models import User
from biocampus.accounts.permissions import access_for
from biocampus.agreements.choices import AgreementType
from biocampus.agreements.models import Agreement
from biocampus.campuses.choices import OperatorRole, ResidencyStatus
from biocampus.campuses.models import Campus, Residency
from biocampus.core.choices import DatePrecision, ProvenanceMethod
from biocampus.core.models import Provenance, RecordModel
from biocampus.demo import seed
from biocampus.directory.models import Field, Person
from biocampus.events.choices import EventKind, ParticipationRole
from biocampus.events.models import Event, Participation
from biocampus.progress.choices import MilestoneKind
from biocampus.progress.models import FundingRound, Milestone, Programme

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2020, 11, 6)
CIIE = "third China International Import Expo"
NEWCOMERS = {
    "UST",
    "Bestudy",
    "LinkDoc",
    "Biortus",
    "Liangzhun Industrial Co.",
    "Hainan Medical Science and Technology Co.",
    "Leantech",
    "CardioCloud",
    "Zeroad",
    "MiDIVI",
    "Ethicall",
    "Zhenfu",
}
SHOWCASED = {
    "Teddy Lab Services",
    "MiDIVI",
    "LinkDoc",
    "Liangzhun Industrial Co.",
    "Omron Healthcare",
    "CHIC Health",
    "Sanomics",
    "UST",
    "Tricog",
    "HCmed Innovations",
}


def icampus() -> Campus:
    return Campus.objects.get(slug="icampus-wuxi")


def ciie() -> Event:
    return Event.objects.get(name=CIIE)


def names(organizations) -> set[str]:
    return {organization.name for organization in organizations}


# --- organisations -------------------------------------------------------------------------------


def test_every_gold_organisation_exists_with_its_kind_aliases_and_country(gold, org):
    for expected in gold["organizations"]:
        organization = org(expected["name"])
        assert organization.kind == expected["kind"], expected["name"]
        assert set(expected["aliases"]) <= set(organization.aliases), expected["name"]
        if expected["country"]:
            assert organization.country == expected["country"], expected["name"]


def test_icampus_goes_by_its_usual_spellings_and_chinese_name(org):
    campus_org = org("I·Campus")
    assert campus_org.name == "Wuxi International Life Science Innovation Campus"
    assert campus_org.name_zh == "无锡国际生命科学创新园"
    assert org("I-Campus") == org("iCampus") == campus_org
    assert org("AstraZeneca").name_zh == "阿斯利康"
    assert org("Tencent").name_zh == "腾讯"
    assert org("CICC").name_zh == "中金公司"


def test_organisations_carry_fields_from_the_taxonomy(org):
    assert {f.slug for f in org("Teddy Lab Services").fields.all()} >= {"companion-diagnostics", "medical-testing-lab"}
    assert "chronic-respiratory-disease" in {f.slug for f in org("CHIC Health").fields.all()}
    assert Field.objects.get(slug="companion-diagnostics").parent.slug == "diagnostics"


def test_the_med_lab_belongs_to_teddy_lab(org):
    assert org("Wuxi Teddy Lab Services Med Lab").parent == org("Teddy Lab Services")


def test_leon_wang_is_the_astrazeneca_contact(org):
    person = Person.objects.get(name="Leon Wang")
    assert person.organization == org("AstraZeneca")
    assert "China President" in person.title


# --- campuses and residencies --------------------------------------------------------------------


def test_three_sister_campuses(org):
    campuses = {c.slug: c for c in Campus.objects.all()}
    assert set(campuses) == {"icampus-wuxi", "icampus-hangzhou", "wuxi-europe"}
    assert campuses["icampus-wuxi"].organization == org("I·Campus")
    assert campuses["wuxi-europe"].organization.name == "Wuxi-Europe Life Science Innovation Industrial Campus"
    assert campuses["icampus-hangzhou"].organization.name == "Hangzhou International Life Science Innovation Campus"
    for slug, campus in campuses.items():
        assert {c.slug for c in campus.sister_campuses.all()} == set(campuses) - {slug}


def test_icampus_dates_and_co_builders(org):
    campus = icampus()
    assert (campus.opened_on, campus.operational_on) == (datetime.date(2019, 9, 1), datetime.date(2020, 4, 1))
    links = {link.organization.name: link.role for link in campus.operator_links.all()}
    assert links == {
        "Wuxi Municipal Government": OperatorRole.CO_BUILDER,
        "Management Committee of Wuxi Hi-tech District": OperatorRole.CO_BUILDER,
        "AstraZeneca": OperatorRole.CO_BUILDER,
    }


def test_the_twelve_newcomers_signed_at_the_ciie(demo):
    signed = Residency.objects.filter(campus=icampus(), signed_at=ciie())
    assert names(r.organization for r in signed) == NEWCOMERS
    assert {(r.status, r.signed_on) for r in signed} == {(ResidencyStatus.SIGNED, FRIDAY)}


def test_earlier_residents_associations_and_service_centres(demo):
    residencies = {r.organization.name: r for r in Residency.objects.filter(campus=icampus())}
    teddy = residencies["Teddy Lab Services"]
    assert (teddy.status, teddy.moved_in_on) == (ResidencyStatus.RESIDENT, datetime.date(2020, 4, 1))
    for name in ("Omron Healthcare", "CHIC Health", "Sanomics", "Tricog", "HCmed Innovations"):
        assert residencies[name].status == ResidencyStatus.RESIDENT, name
    for name in ("Wuxi Biomedical Industry Association", "CEIBS Alumni Healthcare Industry Association"):
        assert residencies[name].status == ResidencyStatus.SIGNED, name
    centres = {n for n, r in residencies.items() if r.organization.kind == "service_center"}
    assert {
        "CCHRPP Wuxi Medical Research and Certification Center",
        "Wuxi Foreign Affairs Office Service Center",
    } < centres
    assert any("Procurement Workstation" in name for name in centres)
    shenzhi = Residency.objects.get(organization__name="Shenzhi")
    assert (shenzhi.campus.slug, shenzhi.status) == ("icampus-hangzhou", ResidencyStatus.RESIDENT)


def test_every_gold_joined_campus_relation_is_a_residency(demo, gold):
    joined = [r for r in gold["relations"] if r["type"] == "joined_campus"]
    assert joined
    for relation in joined:
        joiner, host = relation["parties"]
        residency = Residency.objects.get(organization__name=joiner, campus__organization__name=host)
        if relation["event"]:
            assert residency.signed_at.name == relation["event"]


# --- events --------------------------------------------------------------------------------------


def test_the_ciie_and_the_summit(demo):
    event = ciie()
    assert (event.short_name, event.kind, event.city, event.country) == ("3rd CIIE", EventKind.EXPO, "Shanghai", "CN")
    assert (event.starts_on, event.ends_on) == (datetime.date(2020, 11, 4), datetime.date(2020, 11, 10))
    summit = Event.objects.get(name="Wuxi International Health Investment and Innovation Summit")
    assert summit.kind == EventKind.SUMMIT
    organisers = Participation.objects.filter(event=summit, role=ParticipationRole.ORGANISER)
    assert names(p.organization for p in organisers) == {"Wuxi Municipal Government", "AstraZeneca", "Tigermed", "CICC"}


def test_the_ten_showcases_at_astrazenecas_booth(demo):
    showcases = list(ciie().showcases.all())
    assert len(showcases) == 10
    assert names(s.organization for s in showcases) == SHOWCASED
    assert {s.booth_host.name for s in showcases} == {"AstraZeneca"}
    assert all(s.offering for s in showcases)


def test_ciie_participations(demo):
    roles = {}
    for participation in Participation.objects.filter(event=ciie()):
        roles.setdefault(participation.role, set()).add(participation.organization.name)
    assert SHOWCASED | {"AstraZeneca"} <= roles[ParticipationRole.EXHIBITOR]
    assert (
        NEWCOMERS | {"Teddy Lab Services", "AstraZeneca", "BioVenture Hub", "Shenzhi"}
        <= roles[ParticipationRole.SIGNER]
    )


# --- agreements ----------------------------------------------------------------------------------


def agreement(*, parties: set[str], type: str) -> Agreement:
    matches = [
        a for a in Agreement.objects.filter(type=type) if {p.organization.name for p in a.parties.all()} == parties
    ]
    assert len(matches) == 1, (parties, type, matches)
    return matches[0]


def test_agreements_with_their_parties_types_and_events(demo):
    icampus_name = "Wuxi International Life Science Innovation Campus"
    co_building = agreement(
        parties={"Wuxi Municipal Government", "Management Committee of Wuxi Hi-tech District", "AstraZeneca"},
        type=AgreementType.COOPERATION,
    )
    assert co_building.signed_at is None
    summit = agreement(
        parties={"Wuxi Municipal Government", "AstraZeneca", "Tigermed", "CICC"}, type=AgreementType.COOPERATION
    )
    assert summit.signed_at == ciie()
    biovent = agreement(parties={icampus_name, "BioVenture Hub"}, type=AgreementType.STRATEGIC_COOPERATION)
    assert biovent.signed_at == ciie()
    framework = agreement(
        parties={"Wuxi Municipal Bureau of Healthcare and Security", "Management Committee of Wuxi Hi-tech District"},
        type=AgreementType.FRAMEWORK,
    )
    assert "procurement workstation" in framework.title
    screening = agreement(parties={"Zhenfu", "Shenzhi"}, type=AgreementType.OTHER)
    assert screening.signed_at == ciie()
    assert Agreement.objects.count() == 7
    assert {a.campus.slug for a in Agreement.objects.all()} == {"icampus-wuxi"}


def test_companion_diagnostics_agreement(demo):
    teddy = agreement(parties={"Teddy Lab Services", "AstraZeneca"}, type=AgreementType.JOINT_DEVELOPMENT)
    assert "companion diagnostics" in teddy.title
    assert (teddy.signed_on, teddy.signed_at) == (FRIDAY, ciie())


def test_sanomics_tencent_platform_dated_to_the_month(demo):
    platform = agreement(parties={"Sanomics", "Tencent"}, type=AgreementType.JOINT_DEVELOPMENT)
    assert platform.signed_on == datetime.date(2020, 7, 1)
    assert "month" in platform.summary
    assert platform.signed_at is None


# --- milestones, programme, funding --------------------------------------------------------------


def test_every_gold_milestone_is_recorded(demo, gold):
    for expected in gold["milestones"]:
        candidates = Milestone.objects.filter(organization__name=expected["org"], kind=expected["kind"])
        value = Decimal(expected["value"]) if expected["value"] is not None else None
        candidates = [m for m in candidates if m.value == value and m.unit == (expected["unit"] or "")]
        if expected["date"]:
            year, month = map(int, expected["date"].split("-"))
            candidates = [m for m in candidates if (m.occurred_on.year, m.occurred_on.month) == (year, month)]
        assert len(candidates) == 1, expected


def test_chic_health_in_470_hospitals(org):
    milestone = Milestone.objects.get(organization=org("CHIC Health"), kind=MilestoneKind.MARKET_REACH)
    assert (milestone.value, milestone.unit) == (Decimal(470), "hospitals")


def test_month_precise_milestones(org):
    teddy = org("Teddy Lab Services")
    lab = Milestone.objects.get(organization=teddy, kind=MilestoneKind.LAB_OPENED)
    qualified = Milestone.objects.get(organization=teddy, kind=MilestoneKind.CERTIFICATION)
    assert (lab.occurred_on, lab.date_precision) == (datetime.date(2020, 6, 1), DatePrecision.MONTH)
    assert (qualified.occurred_on, qualified.date_precision) == (datetime.date(2020, 8, 1), DatePrecision.MONTH)
    openings = Milestone.objects.filter(organization=org("I·Campus"), kind=MilestoneKind.FACILITY_OPENED)
    assert {(m.occurred_on, m.date_precision) for m in openings} == {
        (datetime.date(2019, 9, 1), DatePrecision.MONTH),
        (datetime.date(2020, 4, 1), DatePrecision.MONTH),
    }


def test_one_million_people_screening_target(org):
    programme = Programme.objects.get(name="One million people screening programme")
    assert names(programme.organizations.all()) == {"Zhenfu", "Shenzhi"}
    assert {p.organization.name for p in programme.agreement.parties.all()} == {"Zhenfu", "Shenzhi"}
    target = programme.targets.get()
    assert (target.metric, target.unit, target.goal) == ("people screened", "people", Decimal(1_000_000))
    assert target.due_on == datetime.date(2021, 11, 6)
    # The story reports no screening figures: the demo's are illustrative and say so.
    notes = set(target.observations.values_list("note", flat=True))
    assert notes == {"illustrative demo figures, not from the press release"}


def test_chic_health_funding_round_has_no_made_up_amount(org):
    funding_round = FundingRound.objects.get(recipient=org("CHIC Health"))
    assert (funding_round.currency, funding_round.amount) == ("USD", None)
    assert names(funding_round.investors.all()) == {"Teddy Lab Services"}


# --- provenance and idempotence ------------------------------------------------------------------


def record_models():
    return [m for m in apps.get_models() if issubclass(m, RecordModel)]


def test_everything_shares_one_demo_provenance(demo):
    provenance = Provenance.objects.get()
    assert provenance.method == ProvenanceMethod.DEMO
    for model in record_models():
        assert set(model.objects.values_list("provenance_id", flat=True)) <= {provenance.pk}, model


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def test_loading_twice_changes_nothing(demo):
    assert demo["organisations"] > 30
    before = row_counts()
    history_before = {label: n for label, n in before.items() if "Historical" in label}
    assert sum(history_before.values()) > 0
    assert set(seed.load().values()) == {0}
    assert row_counts() == before


# --- demo users ----------------------------------------------------------------------------------


def memberships_of(username: str) -> set[tuple]:
    user = User.objects.get(username=username)
    return {(m.campus.slug, m.role, m.organization.name if m.organization else None) for m in user.memberships.all()}


def test_demo_users_and_their_memberships(demo):
    demo_user = User.objects.get(username="demo")
    assert demo_user.check_password("demo")
    assert not demo_user.is_superuser
    assert memberships_of("demo") == {
        ("icampus-wuxi", Role.CAMPUS_ADMIN, None),
        ("icampus-hangzhou", Role.CAMPUS_ADMIN, None),
        ("wuxi-europe", Role.CAMPUS_ADMIN, None),
    }
    assert access_for(demo_user).admin_campuses == set(Campus.objects.values_list("pk", flat=True))
    assert memberships_of("staff") == {("icampus-wuxi", Role.CAMPUS_STAFF, None)}
    assert memberships_of("resident") == {("icampus-wuxi", Role.RESIDENT_MEMBER, "Teddy Lab Services")}
    assert memberships_of("partner") == {("icampus-wuxi", Role.PARTNER, "AstraZeneca")}
    assert memberships_of("gov") == {("icampus-wuxi", Role.GOVERNMENT, "Wuxi Municipal Government")}
    for username in ("staff", "resident", "partner", "gov"):
        user = User.objects.get(username=username)
        assert user.check_password("demo") and not user.is_superuser, username
