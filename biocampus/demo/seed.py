"""The demo campus, written by hand from the seed story (the I·Campus press release of the 3rd CIIE).

Everything is written through the services, with one Provenance(method=demo) behind all of it.
Loading is idempotent: every record is looked up by its natural key first (organisation name, campus
slug, event name, agreement title, ...) and only what is missing is created, so a second load writes
no row and no history.

What the story does not say is not made up: no amounts, no screening figures, no days where the
story gives a month (those dates are the 1st of the month and say so), and no countries or Chinese
names beyond the ones that are well established. The one exception are the booth offerings of the
ten showcased residents, which the story does not describe; where an offering is illustrative its
description says so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from biocampus.accounts.choices import Role
from biocampus.accounts.models import Membership, User
from biocampus.agreements.choices import AgreementStatus, AgreementType
from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.agreements.services import agreement_create
from biocampus.campuses.choices import OperatorRole, ResidencyStatus
from biocampus.campuses.models import Campus, CampusOperator, Residency
from biocampus.campuses.services import campus_create, campus_set_operators, campus_update, residency_create
from biocampus.core.choices import DatePrecision, ProvenanceMethod
from biocampus.core.models import Provenance
from biocampus.core.services import provenance_create
from biocampus.directory.choices import OrganizationKind as Kind
from biocampus.directory.models import Field, Organization, Person
from biocampus.directory.services import organization_create, person_create
from biocampus.events.choices import EventKind, ParticipationRole
from biocampus.events.models import Event, Participation, Showcase
from biocampus.events.services import event_create, event_set_showcases, participation_add
from biocampus.progress.choices import FundingRoundType, MilestoneKind
from biocampus.progress.models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target
from biocampus.progress.services import funding_round_create, milestone_create, programme_create, target_create

PROVENANCE_NOTE = "Demo campus: I·Campus Wuxi at the 3rd CIIE, written by hand from the press release"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo login; created only where BIOCAMPUS_ALLOW_DEMO is true
DEMO_EMAIL_DOMAIN = "demo.invalid"

# The press release is dated by its story: the signings took place "on Friday" of the 3rd CIIE.
CIIE_FRIDAY = datetime.date(2020, 11, 6)

ICAMPUS = "Wuxi International Life Science Innovation Campus"
HANGZHOU = "Hangzhou International Life Science Innovation Campus"
WUXI_EUROPE = "Wuxi-Europe Life Science Innovation Industrial Campus"
WUXI_GOV = "Wuxi Municipal Government"
HITECH = "Management Committee of Wuxi Hi-tech District"
ASTRAZENECA = "AstraZeneca"
TEDDY = "Teddy Lab Services"
CIIE = "third China International Import Expo"
SUMMIT = "Wuxi International Health Investment and Innovation Summit"


# --------------------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    name: str
    kind: str
    country: str = ""
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    city: str = ""
    fields: tuple[str, ...] = ()  # Field slugs from the taxonomy migration
    description: str = ""
    parent: str = ""  # name of the parent organisation
    steward: str | None = "icampus-wuxi"  # slug of the campus whose team keeps the record


# The three campuses are organisations of kind campus; they are created first (they steward the rest).
CAMPUS_ORGANIZATIONS = [
    OrgSpec(
        ICAMPUS,
        Kind.CAMPUS,
        country="CN",
        name_zh="无锡国际生命科学创新园",
        aliases=("I·Campus", "I-Campus", "iCampus"),
        city="Wuxi",
        description=(
            "Innovation incubation platform co-built by the Wuxi Municipal Government, Wuxi Hi-tech District "
            "and AstraZeneca. Opening ceremony in September 2019, fully operational in April 2020."
        ),
        steward=None,
    ),
    OrgSpec(
        HANGZHOU,
        Kind.CAMPUS,
        country="CN",
        aliases=("Hangzhou innovation campus",),
        city="Hangzhou",
        description=(
            "Hangzhou's innovation campus, home of Shenzhi. The story calls it only \"Hangzhou's innovation "
            "campus\"; the name used here is the demo's."
        ),
        steward=None,
    ),
    OrgSpec(
        WUXI_EUROPE,
        Kind.CAMPUS,
        country="CN",
        city="Wuxi",
        description="Inaugurated at the 3rd CIIE to broaden international cooperation.",
        steward=None,
    ),
]

ORGANIZATIONS = [
    OrgSpec(
        WUXI_GOV,
        Kind.GOVERNMENT,
        country="CN",
        name_zh="无锡市人民政府",
        aliases=("Wuxi government",),
        city="Wuxi",
        description="Co-builder of I·Campus.",
    ),
    OrgSpec(
        HITECH,
        Kind.GOVERNMENT,
        country="CN",
        name_zh="无锡高新区管委会",
        aliases=("Wuxi Hi-tech District",),
        city="Wuxi",
        description="Administrative body of Wuxi Hi-tech District; co-builder of I·Campus.",
    ),
    OrgSpec(
        ASTRAZENECA,
        Kind.PHARMA,
        country="GB",
        name_zh="阿斯利康",
        fields=("drug-rd", "oncology", "chronic-respiratory-disease"),
        description="Co-builder of I·Campus; hosted the residents' showcase at its 3rd CIIE booth.",
    ),
    OrgSpec(
        TEDDY,
        Kind.COMPANY,
        aliases=("Teddy Lab",),
        fields=("medical-testing-lab", "diagnostics", "companion-diagnostics"),
        description=(
            "Joined I·Campus in April 2020 and opened the Wuxi Teddy Lab Services Med Lab two months later; "
            "qualified medical testing laboratory since early August 2020."
        ),
    ),
    OrgSpec(
        "Wuxi Teddy Lab Services Med Lab",
        Kind.LAB,
        country="CN",
        city="Wuxi",
        fields=("medical-testing-lab",),
        description="Teddy Lab Services' medical laboratory in Wuxi, opened about June 2020.",
        parent=TEDDY,
    ),
    OrgSpec("MiDIVI", Kind.COMPANY, description="Resident of I·Campus; signed at the 3rd CIIE."),
    OrgSpec(
        "LinkDoc",
        Kind.COMPANY,
        country="CN",
        name_zh="零氪科技",
        fields=("big-data-ai", "oncology"),
        description="Resident of I·Campus; signed at the 3rd CIIE.",
    ),
    OrgSpec(
        "Liangzhun Industrial Co.",
        Kind.COMPANY,
        aliases=("Liangzhun",),
        description="Resident of I·Campus; signed at the 3rd CIIE.",
    ),
    OrgSpec(
        "Omron Healthcare",
        Kind.COMPANY,
        country="JP",
        name_zh="欧姆龙健康医疗",
        fields=("medical-devices", "wearables"),
        description="Resident of I·Campus.",
    ),
    OrgSpec(
        "CHIC Health",
        Kind.COMPANY,
        fields=("chronic-respiratory-disease", "medical-devices", "screening"),
        description=(
            "Medical technology company specialising in chronic respiratory diseases; its all-in-one "
            "respiratory risk screening devices are used in more than 470 hospitals."
        ),
    ),
    OrgSpec(
        "Sanomics",
        Kind.COMPANY,
        fields=("genetic-testing", "oncology"),
        description="Tumour genetic testing company; resident of I·Campus.",
    ),
    OrgSpec(
        "UST",
        Kind.COMPANY,
        country="US",
        description="US-based high-tech biotech company; signed at the 3rd CIIE.",
    ),
    OrgSpec(
        "Tricog",
        Kind.COMPANY,
        country="IN",
        fields=("digital-health", "big-data-ai", "cardiovascular"),
        description="Resident of I·Campus.",
    ),
    OrgSpec(
        "HCmed Innovations",
        Kind.COMPANY,
        aliases=("HCmed",),
        fields=("medical-devices", "chronic-respiratory-disease"),
        description="Resident of I·Campus.",
    ),
    OrgSpec(
        "Tigermed",
        Kind.COMPANY,
        country="CN",
        name_zh="泰格医药",
        aliases=("Hangzhou Tigermed",),
        fields=("cro-cdmo", "clinical-research"),
        description="Co-released the plan of the Wuxi International Health Investment and Innovation Summit.",
    ),
    OrgSpec(
        "CICC",
        Kind.INVESTOR,
        country="CN",
        name_zh="中金公司",
        aliases=("China International Capital Corporation",),
        fields=("healthcare-investment",),
        description="Co-released the plan of the Wuxi International Health Investment and Innovation Summit.",
    ),
    OrgSpec(
        "BioVenture Hub",
        Kind.HUB,
        country="SE",
        aliases=("BioVentureHub",),
        description="Swedish innovation hub; strategic cooperation for medical innovation with I·Campus.",
    ),
    OrgSpec("Bestudy", Kind.COMPANY, description="Signed at the 3rd CIIE."),
    OrgSpec("Biortus", Kind.COMPANY, fields=("cro-cdmo",), description="Signed at the 3rd CIIE."),
    OrgSpec(
        "Hainan Medical Science and Technology Co.", Kind.COMPANY, country="CN", description="Signed at the 3rd CIIE."
    ),
    OrgSpec("Leantech", Kind.COMPANY, description="Signed at the 3rd CIIE."),
    OrgSpec("CardioCloud", Kind.COMPANY, description="Signed at the 3rd CIIE."),
    OrgSpec("Zeroad", Kind.COMPANY, description="Signed at the 3rd CIIE."),
    OrgSpec("Ethicall", Kind.COMPANY, description="Signed at the 3rd CIIE."),
    OrgSpec(
        "Zhenfu",
        Kind.COMPANY,
        fields=("screening",),
        description="Signed at the 3rd CIIE; runs the one-million-people screening programme with Shenzhi.",
    ),
    OrgSpec(
        "Shenzhi",
        Kind.COMPANY,
        fields=("screening",),
        description="Resident of Hangzhou's innovation campus; runs the screening programme with Zhenfu.",
        steward="icampus-hangzhou",
    ),
    OrgSpec(
        "Wuxi Biomedical Industry Association",
        Kind.ASSOCIATION,
        country="CN",
        city="Wuxi",
        description="Signed to settle in I·Campus.",
    ),
    OrgSpec(
        "CEIBS Alumni Healthcare Industry Association",
        Kind.ASSOCIATION,
        description="Signed to settle in I·Campus.",
    ),
    OrgSpec(
        "Wuxi Municipal Bureau of Healthcare and Security",
        Kind.GOVERNMENT,
        country="CN",
        name_zh="无锡市医疗保障局",
        city="Wuxi",
        fields=("medical-procurement",),
        description="Signed the framework agreement for a medical bidding and procurement workstation in I·Campus.",
    ),
    OrgSpec(
        "CCHRPP Wuxi Medical Research and Certification Center",
        Kind.SERVICE_CENTER,
        country="CN",
        city="Wuxi",
        fields=("clinical-research",),
        description="Unveiled at the 3rd CIIE to support I·Campus residents from R&D to industrialisation.",
    ),
    OrgSpec(
        "Wuxi Foreign Affairs Office Service Center",
        Kind.SERVICE_CENTER,
        country="CN",
        city="Wuxi",
        description=(
            "External liaison office opened at the 3rd CIIE: attracts talent, advises on foreign affairs and "
            "introduces projects from overseas."
        ),
    ),
    OrgSpec(
        "Medical Bidding and Procurement Workstation at I·Campus",
        Kind.SERVICE_CENTER,
        country="CN",
        city="Wuxi",
        fields=("medical-procurement",),
        description=(
            "To be established under the strategic framework agreement of the Wuxi Municipal Bureau of "
            "Healthcare and Security and Wuxi Hi-tech District. The story does not name it; the name is the demo's."
        ),
    ),
    OrgSpec(
        "Tencent",
        Kind.COMPANY,
        country="CN",
        name_zh="腾讯",
        fields=("big-data-ai", "digital-health"),
        description="Co-develops an online tumour MDT platform with Sanomics.",
    ),
]


@dataclass(frozen=True)
class CampusSpec:
    slug: str
    organization: str
    opened_on: datetime.date | None = None
    operational_on: datetime.date | None = None
    operators: tuple[str, ...] = ()


CAMPUSES = [
    # The story gives months only ("September 2019", "April 2020"): the 1st of the month stands for it.
    CampusSpec(
        "icampus-wuxi",
        ICAMPUS,
        opened_on=datetime.date(2019, 9, 1),
        operational_on=datetime.date(2020, 4, 1),
        operators=(WUXI_GOV, HITECH, ASTRAZENECA),
    ),
    CampusSpec("icampus-hangzhou", HANGZHOU),
    CampusSpec("wuxi-europe", WUXI_EUROPE),
]


@dataclass(frozen=True)
class EventSpec:
    name: str
    kind: str
    campus: str = "icampus-wuxi"
    name_zh: str = ""
    short_name: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    place: str = ""
    city: str = ""
    country: str = ""
    description: str = ""


EVENTS = [
    EventSpec(
        CIIE,
        EventKind.EXPO,
        name_zh="第三届中国国际进口博览会",
        short_name="3rd CIIE",
        starts_on=datetime.date(2020, 11, 4),
        ends_on=datetime.date(2020, 11, 10),
        place="Shanghai",
        city="Shanghai",
        country="CN",
        description=(
            "I·Campus's second consecutive year at the expo: twelve newcomers signed, a residents' showcase at "
            "AstraZeneca's booth, service centres unveiled and the Wuxi-Europe campus inaugurated."
        ),
    ),
    EventSpec(
        SUMMIT,
        EventKind.SUMMIT,
        description=(
            "Planned summit to promote the international influence of the Wuxi biomedical industry; its plan was "
            "released jointly at the 3rd CIIE. Dates and place not yet announced."
        ),
    ),
]

# The residents' showcase at AstraZeneca's booth. The story names the ten residents but says what
# only three of them showed; the other offerings are illustrative.
_ILLUSTRATIVE = "Illustrative demo offering: the story names the resident but not what it showed."
SHOWCASES = [
    (TEDDY, "Companion diagnostics testing services", "From the cooperation with AstraZeneca signed at the expo."),
    ("MiDIVI", "Digital healthcare solutions", _ILLUSTRATIVE),
    ("LinkDoc", "Oncology real-world data platform", _ILLUSTRATIVE),
    ("Liangzhun Industrial Co.", "Healthcare products", _ILLUSTRATIVE),
    ("Omron Healthcare", "Home blood pressure monitors", _ILLUSTRATIVE),
    ("CHIC Health", "All-in-one respiratory risk screening device", "In use in more than 470 hospitals."),
    ("Sanomics", "Tumour genetic testing", "Sanomics' field as the story describes it."),
    ("UST", "High-tech biotech innovations", _ILLUSTRATIVE),
    ("Tricog", "AI-assisted ECG interpretation", _ILLUSTRATIVE),
    ("HCmed Innovations", "Mesh nebuliser for respiratory drug delivery", _ILLUSTRATIVE),
]


@dataclass(frozen=True)
class ResidencySpec:
    organization: str
    status: str
    campus: str = "icampus-wuxi"
    signed_on: datetime.date | None = None
    moved_in_on: datetime.date | None = None
    signed_at: str = ""  # event name
    notes: str = ""


# The twelve newcomers signed at the 3rd CIIE, in the story's order.
CIIE_NEWCOMERS = [
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
]

RESIDENCIES = [
    ResidencySpec(
        TEDDY,
        ResidencyStatus.RESIDENT,
        moved_in_on=datetime.date(2020, 4, 1),
        notes="Joined I·Campus in April 2020 (the story gives the month only).",
    ),
    *(
        ResidencySpec(name, ResidencyStatus.RESIDENT, notes="Resident showcased at AstraZeneca's 3rd CIIE booth.")
        for name in ("Omron Healthcare", "CHIC Health", "Sanomics", "Tricog", "HCmed Innovations")
    ),
    *(
        ResidencySpec(
            name,
            ResidencyStatus.SIGNED,
            signed_on=CIIE_FRIDAY,
            signed_at=CIIE,
            notes="One of the twelve newcomers signed at the 3rd CIIE.",
        )
        for name in CIIE_NEWCOMERS
    ),
    *(
        ResidencySpec(name, ResidencyStatus.SIGNED, notes="Signed to settle in I·Campus; the date is not stated.")
        for name in ("Wuxi Biomedical Industry Association", "CEIBS Alumni Healthcare Industry Association")
    ),
    ResidencySpec(
        "CCHRPP Wuxi Medical Research and Certification Center",
        ResidencyStatus.RESIDENT,
        notes="Unveiled at the 3rd CIIE.",
    ),
    ResidencySpec(
        "Wuxi Foreign Affairs Office Service Center",
        ResidencyStatus.RESIDENT,
        notes="External liaison office opened at the 3rd CIIE.",
    ),
    ResidencySpec(
        "Medical Bidding and Procurement Workstation at I·Campus",
        ResidencyStatus.SIGNED,
        notes="To be established under the strategic framework agreement with the Bureau of Healthcare and Security.",
    ),
    ResidencySpec(
        "Shenzhi",
        ResidencyStatus.RESIDENT,
        campus="icampus-hangzhou",
        notes="The story calls Shenzhi a resident of Hangzhou's innovation campus.",
    ),
]


@dataclass(frozen=True)
class AgreementSpec:
    title: str
    type: str
    parties: tuple[str, ...]
    campus: str = "icampus-wuxi"
    status: str = AgreementStatus.SIGNED
    signed_on: datetime.date | None = None
    signed_at: str = ""  # event name
    place: str = ""
    summary: str = ""


SCREENING_AGREEMENT = "Zhenfu–Shenzhi agreement on screening services for one million people"

AGREEMENTS = [
    AgreementSpec(
        "Co-building of I·Campus",
        AgreementType.COOPERATION,
        (WUXI_GOV, HITECH, ASTRAZENECA),
        status=AgreementStatus.ACTIVE,
        summary=(
            "The Wuxi Municipal Government, Wuxi Hi-tech District and AstraZeneca co-build I·Campus, an "
            "innovation incubation platform. The story gives no signing date."
        ),
    ),
    AgreementSpec(
        "Plan of the Wuxi International Health Investment and Innovation Summit",
        AgreementType.COOPERATION,
        (WUXI_GOV, ASTRAZENECA, "Tigermed", "CICC"),
        signed_at=CIIE,
        place="Shanghai",
        summary=(
            "Released jointly at the 3rd CIIE by the Wuxi government, AstraZeneca, Tigermed, CICC and other "
            "companies, to promote the international influence of the Wuxi biomedical industry."
        ),
    ),
    AgreementSpec(
        "Strategic cooperation for medical innovation between I·Campus and BioVenture Hub",
        AgreementType.STRATEGIC_COOPERATION,
        (ICAMPUS, "BioVenture Hub"),
        signed_at=CIIE,
        place="Shanghai",
        summary="Further industrial integration and development of healthcare innovation with Sweden's BioVenture Hub.",
    ),
    AgreementSpec(
        "Strategic framework agreement to establish a medical bidding and procurement workstation in I·Campus",
        AgreementType.FRAMEWORK,
        ("Wuxi Municipal Bureau of Healthcare and Security", HITECH),
        summary=(
            "Policy and resource support for the incubation of new medicines, medical equipment and healthcare "
            "solutions. The story gives no signing date."
        ),
    ),
    AgreementSpec(
        "Cooperation agreement on the joint development and commercialisation of companion diagnostics",
        AgreementType.JOINT_DEVELOPMENT,
        (TEDDY, ASTRAZENECA),
        signed_on=CIIE_FRIDAY,
        signed_at=CIIE,
        place="Shanghai",
        summary="Teddy Lab Services and AstraZeneca jointly develop and commercialise companion diagnostics.",
    ),
    AgreementSpec(
        "Co-development of an online tumour MDT platform",
        AgreementType.JOINT_DEVELOPMENT,
        ("Sanomics", "Tencent"),
        signed_on=datetime.date(2020, 7, 1),
        summary=(
            "Sanomics and Tencent co-develop an online tumour multidisciplinary-team (MDT) platform. Entered in "
            "July 2020: month precision, the day is not stated (the 1st stands for the month)."
        ),
    ),
    AgreementSpec(
        SCREENING_AGREEMENT,
        AgreementType.OTHER,
        ("Zhenfu", "Shenzhi"),
        signed_on=CIIE_FRIDAY,
        signed_at=CIIE,
        place="Shanghai",
        summary=(
            "Based on AstraZeneca's iClinic innovation project, Zhenfu (I·Campus) and Shenzhi (Hangzhou) advance "
            "screening services to one million people in the coming year."
        ),
    ),
]


@dataclass(frozen=True)
class MilestoneSpec:
    organization: str
    kind: str
    title: str
    campus: str = "icampus-wuxi"
    occurred_on: datetime.date | None = None
    date_precision: str = DatePrecision.DAY
    value: int | None = None
    unit: str = ""
    event: str = ""
    description: str = ""


MILESTONES = [
    MilestoneSpec(
        ICAMPUS,
        MilestoneKind.FACILITY_OPENED,
        "I·Campus opening ceremony",
        occurred_on=datetime.date(2019, 9, 1),
        date_precision=DatePrecision.MONTH,
    ),
    MilestoneSpec(
        ICAMPUS,
        MilestoneKind.FACILITY_OPENED,
        "I·Campus fully operational",
        occurred_on=datetime.date(2020, 4, 1),
        date_precision=DatePrecision.MONTH,
    ),
    MilestoneSpec(
        ICAMPUS,
        MilestoneKind.OTHER,
        "12 new companies signed at the 3rd CIIE",
        occurred_on=CIIE_FRIDAY,
        value=12,
        unit="companies",
        event=CIIE,
    ),
    MilestoneSpec(
        ICAMPUS,
        MilestoneKind.OTHER,
        "More than 30 leading firms signed up in the first year",
        value=30,
        unit="companies",
        description="Leon Wang (AstraZeneca) at the 3rd CIIE: more than 30 firms from home and abroad in one year.",
    ),
    MilestoneSpec(
        ICAMPUS,
        MilestoneKind.OTHER,
        "Seven international strategic partners welcomed in the first year",
        value=7,
        unit="partners",
    ),
    MilestoneSpec(
        "CCHRPP Wuxi Medical Research and Certification Center",
        MilestoneKind.FACILITY_OPENED,
        "CCHRPP Wuxi Medical Research and Certification Center unveiled",
        event=CIIE,
    ),
    MilestoneSpec(
        "Wuxi Foreign Affairs Office Service Center",
        MilestoneKind.FACILITY_OPENED,
        "Wuxi Foreign Affairs Office Service Center opened",
        event=CIIE,
    ),
    MilestoneSpec(
        WUXI_EUROPE,
        MilestoneKind.FACILITY_OPENED,
        "Wuxi-Europe Life Science Innovation Industrial Campus inaugurated",
        campus="wuxi-europe",
        event=CIIE,
    ),
    MilestoneSpec(
        "Zhenfu",
        MilestoneKind.PROGRAMME_TARGET,
        "Screening services for one million people in the coming year",
        occurred_on=CIIE_FRIDAY,
        value=1_000_000,
        unit="people",
        event=CIIE,
    ),
    MilestoneSpec(
        "Shenzhi",
        MilestoneKind.PROGRAMME_TARGET,
        "Screening services for one million people in the coming year",
        campus="icampus-hangzhou",
        occurred_on=CIIE_FRIDAY,
        value=1_000_000,
        unit="people",
        event=CIIE,
    ),
    MilestoneSpec(
        "CHIC Health",
        MilestoneKind.MARKET_REACH,
        "Respiratory risk screening devices in more than 470 hospitals",
        value=470,
        unit="hospitals",
        description="All-in-one respiratory risk screening devices; reached since I·Campus's debut in 2019.",
    ),
    MilestoneSpec(
        "CHIC Health",
        MilestoneKind.FUNDING,
        "First-line USD investment from Teddy Lab Services",
        unit="USD",
        description="The amount is not stated.",
    ),
    MilestoneSpec(
        TEDDY,
        MilestoneKind.LAB_OPENED,
        "Wuxi Teddy Lab Services Med Lab opened",
        occurred_on=datetime.date(2020, 6, 1),
        date_precision=DatePrecision.MONTH,
        description="Two months after joining I·Campus in April 2020.",
    ),
    MilestoneSpec(
        TEDDY,
        MilestoneKind.CERTIFICATION,
        "Qualified medical testing laboratory",
        occurred_on=datetime.date(2020, 8, 1),
        date_precision=DatePrecision.MONTH,
        description="Early August 2020.",
    ),
]

PROGRAMME = "One million people screening programme"


@dataclass(frozen=True)
class PersonSpec:
    name: str
    organization: str
    name_zh: str = ""
    title: str = ""
    notes: str = ""


PEOPLE = [
    PersonSpec(
        "Leon Wang",
        ASTRAZENECA,
        name_zh="王磊",
        title="Executive Vice President; International and China President",
        notes="Spoke about I·Campus's presence at the 3rd CIIE.",
    ),
]


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str, str], ...]  # (campus slug, role, organisation name or "")


DEMO_USERS = [
    UserSpec(
        "demo",
        "Demo",
        "Admin",
        tuple((slug, Role.CAMPUS_ADMIN, "") for slug in ("icampus-wuxi", "icampus-hangzhou", "wuxi-europe")),
    ),
    UserSpec("staff", "Demo", "Staff", (("icampus-wuxi", Role.CAMPUS_STAFF, ""),)),
    UserSpec("resident", "Demo", "Resident", (("icampus-wuxi", Role.RESIDENT_MEMBER, TEDDY),)),
    UserSpec("partner", "Demo", "Partner", (("icampus-wuxi", Role.PARTNER, ASTRAZENECA),)),
    UserSpec("gov", "Demo", "Government", (("icampus-wuxi", Role.GOVERNMENT, WUXI_GOV),)),
]

# What a load reports: rows of these models created.
COUNTED_MODELS: list[type[models.Model]] = [
    Provenance,
    Organization,
    Person,
    Campus,
    CampusOperator,
    Residency,
    Event,
    Participation,
    Showcase,
    Agreement,
    AgreementParty,
    Milestone,
    Programme,
    Target,
    Observation,
    FundingRound,
    FundingInvestment,
    User,
    Membership,
]


# --------------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    actor: object
    provenance: Provenance | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    orgs: dict[str, Organization] = field(default_factory=dict)
    campuses: dict[str, Campus] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)


def _operations_parts():
    """The campus-operations parts of the demo, each in its own module; they run after the core story."""
    from . import seed_events, seed_intake, seed_progress, seed_servicedesk

    return (seed_events, seed_progress, seed_intake, seed_servicedesk)


def counts() -> dict[str, int]:
    """Row counts of the models a demo load writes, keyed by their verbose plural name."""
    models_counted = COUNTED_MODELS + [model for part in _operations_parts() for model in part.COUNTED_MODELS]
    return {str(model._meta.verbose_name_plural): model._default_manager.count() for model in models_counted}


@transaction.atomic
def load(*, actor=None) -> dict[str, int]:
    """Create whatever of the demo campus is missing; return the number of rows created per model.

    `actor=None` is the system (the services check no permission). Refuses unless the settings allow
    demo data, since it creates the well-known demo/demo login.
    """
    if not getattr(settings, "BIOCAMPUS_ALLOW_DEMO", False):
        raise ImproperlyConfigured("Demo data is disabled here (BIOCAMPUS_ALLOW_DEMO is false).")
    before = counts()
    ctx = _Context(actor=actor)
    ctx.provenance = _provenance()
    ctx.fields = _fields()
    for spec in CAMPUS_ORGANIZATIONS:
        _organization(ctx, spec)
    for spec in CAMPUSES:
        _campus(ctx, spec)
    for spec in ORGANIZATIONS:
        _organization(ctx, spec)
    for spec in CAMPUSES:
        _operators(ctx, spec)
    _sisters(ctx)
    for spec in EVENTS:
        _event(ctx, spec)
    for spec in RESIDENCIES:
        _residency(ctx, spec)
    for spec in AGREEMENTS:
        _agreement(ctx, spec)
    _participations(ctx)
    _showcases(ctx)
    _programme(ctx)
    for spec in MILESTONES:
        _milestone(ctx, spec)
    _funding(ctx)
    for spec in PEOPLE:
        _person(ctx, spec)
    for spec in DEMO_USERS:
        _user(ctx, spec)
    for part in _operations_parts():
        part.load(ctx)
    after = counts()
    return {label: after[label] - before[label] for label in after}


def _provenance() -> Provenance:
    existing = Provenance.objects.filter(method=ProvenanceMethod.DEMO, note=PROVENANCE_NOTE).order_by("id").first()
    return existing or provenance_create(method=ProvenanceMethod.DEMO, note=PROVENANCE_NOTE)


def _fields() -> dict[str, Field]:
    wanted = {slug for spec in CAMPUS_ORGANIZATIONS + ORGANIZATIONS for slug in spec.fields}
    found = Field.objects.in_bulk(wanted, field_name="slug")
    missing = sorted(wanted - set(found))
    if missing:
        raise ImproperlyConfigured(
            f"The field taxonomy lacks {', '.join(missing)}: run the migrations (directory 0002_field_taxonomy)."
        )
    return found


def _organization(ctx: _Context, spec: OrgSpec) -> Organization:
    organization = Organization.objects.filter(name=spec.name).order_by("id").first()
    if organization is None:
        organization = organization_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            name=spec.name,
            kind=spec.kind,
            name_zh=spec.name_zh,
            aliases=list(spec.aliases),
            country=spec.country,
            city=spec.city,
            description=spec.description,
            fields=[ctx.fields[slug] for slug in spec.fields],
            parent=ctx.orgs[spec.parent] if spec.parent else None,
            steward=ctx.campuses[spec.steward] if spec.steward else None,
        )
    ctx.orgs[spec.name] = organization
    return organization


def _campus(ctx: _Context, spec: CampusSpec) -> Campus:
    campus = Campus.objects.filter(slug=spec.slug).first()
    if campus is None:
        campus = campus_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            organization=ctx.orgs[spec.organization],
            slug=spec.slug,
            opened_on=spec.opened_on,
            operational_on=spec.operational_on,
        )
    ctx.campuses[spec.slug] = campus
    return campus


def _operators(ctx: _Context, spec: CampusSpec) -> None:
    """Add the missing co-builders, keeping whatever operators the campus already has."""
    campus = ctx.campuses[spec.slug]
    current = [(link.organization, link.role) for link in campus.operator_links.select_related("organization")]
    have = {organization.pk for organization, _role in current}
    missing = [(ctx.orgs[name], OperatorRole.CO_BUILDER) for name in spec.operators if ctx.orgs[name].pk not in have]
    if missing:
        campus_set_operators(actor=ctx.actor, campus=campus, operators=current + missing, provenance=ctx.provenance)


def _sisters(ctx: _Context) -> None:
    """The three campuses are sister campuses of one another (the relation is symmetrical)."""
    campuses = list(ctx.campuses.values())
    for campus in campuses:
        current = set(campus.sister_campuses.all())
        wanted = current | {other for other in campuses if other.pk != campus.pk}
        if wanted != current:
            campus_update(actor=ctx.actor, campus=campus, sister_campuses=wanted)


def _event(ctx: _Context, spec: EventSpec) -> Event:
    campus = ctx.campuses[spec.campus]
    event = Event.objects.filter(campus=campus, name=spec.name).order_by("id").first()
    if event is None:
        event = event_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            name=spec.name,
            name_zh=spec.name_zh,
            short_name=spec.short_name,
            kind=spec.kind,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            place=spec.place,
            city=spec.city,
            country=spec.country,
            description=spec.description,
        )
    ctx.events[spec.name] = event
    return event


def _residency(ctx: _Context, spec: ResidencySpec) -> Residency:
    organization, campus = ctx.orgs[spec.organization], ctx.campuses[spec.campus]
    residency = Residency.objects.filter(organization=organization, campus=campus).first()
    if residency is None:
        residency = residency_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            organization=organization,
            campus=campus,
            status=spec.status,
            signed_on=spec.signed_on,
            moved_in_on=spec.moved_in_on,
            signed_at=ctx.events[spec.signed_at] if spec.signed_at else None,
            notes=spec.notes,
        )
    return residency


def _agreement(ctx: _Context, spec: AgreementSpec) -> Agreement:
    campus = ctx.campuses[spec.campus]
    agreement = Agreement.objects.filter(campus=campus, title=spec.title).order_by("id").first()
    if agreement is None:
        agreement = agreement_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            title=spec.title,
            type=spec.type,
            parties=[ctx.orgs[name] for name in spec.parties],
            status=spec.status,
            signed_on=spec.signed_on,
            signed_at=ctx.events[spec.signed_at] if spec.signed_at else None,
            place=spec.place,
            summary=spec.summary,
        )
    ctx.agreements[spec.title] = agreement
    return agreement


def _participations(ctx: _Context) -> None:
    """Who exhibited, signed and organised: participation_add itself skips what already exists."""
    ciie, summit = ctx.events[CIIE], ctx.events[SUMMIT]
    wanted: list[tuple[Event, str, str]] = []
    exhibitors = [ASTRAZENECA, ICAMPUS, *(name for name, _offering, _description in SHOWCASES)]
    wanted += [(ciie, name, ParticipationRole.EXHIBITOR) for name in exhibitors]
    signers = [ICAMPUS, *CIIE_NEWCOMERS]
    for spec in AGREEMENTS:
        if spec.signed_at == CIIE:
            signers += spec.parties
    wanted += [(ciie, name, ParticipationRole.SIGNER) for name in dict.fromkeys(signers)]
    wanted += [(summit, name, ParticipationRole.ORGANISER) for name in (WUXI_GOV, ASTRAZENECA, "Tigermed", "CICC")]
    for event, name, role in wanted:
        participation_add(
            actor=ctx.actor, provenance=ctx.provenance, event=event, organization=ctx.orgs[name], role=role
        )


def _showcases(ctx: _Context) -> None:
    """Add the missing booth showcases, keeping the event's other showcases exactly as they are."""
    event, host = ctx.events[CIIE], ctx.orgs[ASTRAZENECA]
    current = list(event.showcases.all())
    have = {(showcase.organization_id, showcase.offering) for showcase in current}
    missing = [
        {"organization": ctx.orgs[name], "offering": offering, "description": description, "booth_host": host}
        for name, offering, description in SHOWCASES
        if (ctx.orgs[name].pk, offering) not in have
    ]
    if not missing:
        return
    kept = [
        {
            "organization": showcase.organization,
            "offering": showcase.offering,
            "description": showcase.description,
            "booth_host": showcase.booth_host,
            "outcome": showcase.outcome,
        }
        for showcase in current
    ]
    event_set_showcases(actor=ctx.actor, provenance=ctx.provenance, event=event, showcases=kept + missing)


def _programme(ctx: _Context) -> None:
    """The screening programme of Zhenfu and Shenzhi and its target. The story reports no screening
    figures; seed_progress adds illustrative ones, noted as such."""
    campus = ctx.campuses["icampus-wuxi"]
    starts_on, due_on = CIIE_FRIDAY, datetime.date(2021, 11, 6)  # "in the coming year"
    programme = Programme.objects.filter(campus=campus, name=PROGRAMME).order_by("id").first()
    if programme is None:
        programme = programme_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            name=PROGRAMME,
            organizations=[ctx.orgs["Zhenfu"], ctx.orgs["Shenzhi"]],
            agreement=ctx.agreements[SCREENING_AGREEMENT],
            starts_on=starts_on,
            ends_on=due_on,
            description=(
                "Screening services for one million people in the coming year, run by Zhenfu and Shenzhi and "
                "based on AstraZeneca's iClinic innovation project. Agreed at the 3rd CIIE."
            ),
        )
    metric = "people screened"
    if not Target.objects.filter(campus=campus, programme=programme, metric=metric).exists():
        target_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            programme=programme,
            metric=metric,
            unit="people",
            goal=Decimal(1_000_000),
            starts_on=starts_on,
            due_on=due_on,
        )


def _milestone(ctx: _Context, spec: MilestoneSpec) -> Milestone:
    campus, organization = ctx.campuses[spec.campus], ctx.orgs[spec.organization]
    milestone = (
        Milestone.objects.filter(campus=campus, organization=organization, kind=spec.kind, title=spec.title)
        .order_by("id")
        .first()
    )
    if milestone is None:
        milestone = milestone_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            campus=campus,
            organization=organization,
            kind=spec.kind,
            title=spec.title,
            occurred_on=spec.occurred_on,
            date_precision=spec.date_precision,
            value=Decimal(spec.value) if spec.value is not None else None,
            unit=spec.unit,
            event=ctx.events[spec.event] if spec.event else None,
            description=spec.description,
        )
    return milestone


def _funding(ctx: _Context) -> None:
    """CHIC Health's first-line USD investment from Teddy Lab Services: no amount, no date in the story."""
    campus, recipient = ctx.campuses["icampus-wuxi"], ctx.orgs["CHIC Health"]
    if FundingRound.objects.filter(campus=campus, recipient=recipient, currency="USD").exists():
        return
    funding_round_create(
        actor=ctx.actor,
        provenance=ctx.provenance,
        campus=campus,
        recipient=recipient,
        round_type=FundingRoundType.UNDISCLOSED,
        investors=[ctx.orgs[TEDDY]],
        amount=None,
        currency="USD",
        description="First-line USD investment from Teddy Lab Services; the amount, round and date are not stated.",
    )


def _person(ctx: _Context, spec: PersonSpec) -> Person:
    organization = ctx.orgs[spec.organization]
    person = Person.objects.filter(name=spec.name, organization=organization).order_by("id").first()
    if person is None:
        person = person_create(
            actor=ctx.actor,
            provenance=ctx.provenance,
            name=spec.name,
            organization=organization,
            name_zh=spec.name_zh,
            title=spec.title,
            notes=spec.notes,
        )
    return person


def _user(ctx: _Context, spec: UserSpec) -> User:
    """Demo logins (password `demo`). An existing user is left as it is; missing memberships are added."""
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@{DEMO_EMAIL_DOMAIN}",
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    for slug, role, organization_name in spec.memberships:
        Membership.objects.get_or_create(
            user=user,
            campus=ctx.campuses[slug],
            role=role,
            organization=ctx.orgs[organization_name] if organization_name else None,
        )
    return user
