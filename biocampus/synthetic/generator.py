"""A synthetic ecosystem of N organisations, written with bulk inserts, the same for the same seed.

Rows go straight into the tables with `bulk_create`, not through the services: a million organisations
through `record_save` (full_clean, one history row, one event each) would take hours. So generated rows
have no django-simple-history entries and publish no domain events; they share one Provenance row
(method "demo", note "generate --orgs N --seed S") that tells them apart from real records.

Every random choice comes from `random.Random` instances seeded from the seed and the phase name, so
one seed and one N give the same rows (public ids included) whatever the batch size. Dates are laid
out before `LATEST`, a fixed day, not today, for the same reason.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from biocampus.agreements.choices import AgreementStatus, AgreementType, PartyRole
from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.campuses.choices import SIGNED_STATUSES, ResidencyStatus
from biocampus.campuses.models import Campus, Residency
from biocampus.core.choices import DatePrecision, ProvenanceMethod
from biocampus.core.models import Provenance, RecordModel
from biocampus.directory import search
from biocampus.directory.choices import IdentifierScheme, OrganizationKind
from biocampus.directory.models import Field, Organization, OrganizationIdentifier
from biocampus.directory.services import organization_search_text
from biocampus.progress.choices import FundingRoundType, MilestoneKind
from biocampus.progress.models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target

from . import names

LATEST = datetime.date(2025, 12, 31)
DEFAULT_BATCH_SIZE = 10_000
AGREEMENTS_PER_ORGANIZATION = 3

K = OrganizationKind
# Shares of each kind among the non-campus organisations (companies most).
KIND_SHARES = {
    K.COMPANY: 62,
    K.INVESTOR: 8,
    K.HOSPITAL: 6,
    K.UNIVERSITY: 4,
    K.PHARMA: 4,
    K.GOVERNMENT: 4,
    K.ASSOCIATION: 3,
    K.SERVICE_CENTER: 3,
    K.LAB: 3,
    K.HUB: 1,
    K.OTHER: 2,
}
# How much more often than a company an organisation of a kind signs agreements: the hubs of the network.
KIND_ACTIVITY = {K.PHARMA: 12.0, K.INVESTOR: 6.0, K.GOVERNMENT: 8.0, K.HOSPITAL: 3.0, K.UNIVERSITY: 3.0, K.CAMPUS: 10.0}
# Plain English words for titles, not the translated labels: generated rows are data, the same in any language.
KIND_WORDS = {kind.value: kind.value.replace("_", " ").capitalize() for kind in OrganizationKind}
RESIDENCY_STATUSES = {
    ResidencyStatus.PROSPECT: 8,
    ResidencyStatus.APPLIED: 6,
    ResidencyStatus.IN_REVIEW: 4,
    ResidencyStatus.SIGNED: 10,
    ResidencyStatus.RESIDENT: 50,
    ResidencyStatus.GRADUATED: 10,
    ResidencyStatus.EXITED: 7,
    ResidencyStatus.DECLINED: 5,
}
AGREEMENT_STATUSES = {
    AgreementStatus.SIGNED: 40,
    AgreementStatus.ACTIVE: 30,
    AgreementStatus.COMPLETED: 10,
    AgreementStatus.NEGOTIATING: 8,
    AgreementStatus.DRAFT: 4,
    AgreementStatus.TERMINATED: 4,
    AgreementStatus.EXPIRED: 4,
}
UNSIGNED = {AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING}
CURRENCIES = {"CN": "CNY", "US": "USD", "JP": "JPY", "GB": "GBP", "CH": "CHF", "SE": "SEK", "KR": "KRW"}
EURO_COUNTRIES = {"DE", "FR", "NL"}

ProgressFactory = Callable[[str, int], object]


@dataclass
class Result:
    provenance: Provenance
    created: Counter = field(default_factory=Counter)


def _phase_rng(seed: int, phase: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`: stable across runs and Python versions.
    return random.Random(f"biocampus-synthetic:{seed}:{phase}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _day(rng: random.Random, start: datetime.date, end: datetime.date = LATEST) -> datetime.date:
    span = max((end - start).days, 0)
    return start + datetime.timedelta(days=rng.randint(0, span))


def _chunks(total: int, size: int):
    for start in range(0, total, size):
        yield start, min(start + size, total)


class _NoBar:
    def update(self, n=1):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def already_generated(seed: int) -> bool:
    """A seed's public ids are fixed: the same seed cannot be generated twice into one database."""
    return Provenance.objects.filter(note__startswith="generate ", note__endswith=f"--seed {seed}").exists()


def campus_count(orgs: int) -> int:
    return max(1, min(200, orgs // 2000))


def _reserve_ids(model, count: int) -> range | list[int]:
    """Ids for `count` new rows, taken so that later inserts (services, other runs) never collide."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the chunk's transaction holds the write lock, so nobody takes these ids meanwhile.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's own table name
        first = cursor.fetchone()[0] + 1
        return range(first, first + count)


def _converter(field):
    """The function that turns a Python value of `field` into what the database driver takes."""
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField", "BooleanField", "ForeignKey", "BigAutoField", "AutoField"):
        return None
    if kind.endswith("IntegerField"):
        return None
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return lambda value: value.hex
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _insert(model, rows: list, *, batch_size: int, provenance_id: int) -> None:
    meta = model._meta
    automatic = {"id", "created_at", "updated_at", "provenance_id"}
    fields = [f for f in meta.concrete_fields if f.attname not in automatic]
    ids = _reserve_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row.pk = row.id = pk
    columns = ["id", *(f.column for f in fields)]
    constants: list = []
    if issubclass(model, RecordModel):
        now = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        columns += ["created_at", "updated_at", "provenance_id"]
        constants = [now, now, provenance_id]
    # A field the generator leaves out gets its model default (blank text, null), as the ORM would give it.
    getters = [(f.attname, _converter(f), f.get_default()) for f in fields]

    def values(row) -> tuple:
        given = vars(row)
        out = [row.pk]
        for name, convert, default in getters:
            value = given.get(name, default)
            out.append(convert(value) if convert and value is not None else value)
        return (*out, *constants)

    params = [values(row) for row in rows]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the model, values are params
        quote(meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])


class Generator:
    def __init__(
        self, *, orgs: int, seed: int = 1, batch_size: int = DEFAULT_BATCH_SIZE, progress: ProgressFactory | None = None
    ):
        if orgs < 1:
            raise ValueError("orgs must be at least 1")
        self.orgs = orgs
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress or (lambda desc, total: _NoBar())
        self.result: Result | None = None
        # Compact per-organisation columns (index = position in generation order): a million of each fits.
        self.org_ids: list[int] = []
        self.org_kinds: list[str] = []
        self.org_countries: list[str] = []
        self.org_cities: list[str] = []
        self.residence: dict[int, int] = {}  # organisation index -> campus index, for residents
        self.campus_ids: list[int] = []
        self.field_ids: list[int] = []
        self.id_streams: dict[str, random.Random] = {}

    # -- the run ------------------------------------------------------------------------------------------

    def run(self) -> Result:
        if connection.vendor == "sqlite":
            # Public ids are random, so their unique index is written all over: a larger page cache (256 MB,
            # this connection only) keeps it in memory instead of re-reading pages for every insert.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        provenance = Provenance.objects.create(
            method=ProvenanceMethod.DEMO, note=f"generate --orgs {self.orgs} --seed {self.seed}"
        )
        self.result = Result(provenance=provenance)
        self.field_ids = list(Field.objects.filter(parent__isnull=False).order_by("slug").values_list("id", flat=True))
        self.field_ids = self.field_ids or list(Field.objects.order_by("slug").values_list("id", flat=True))
        # The search index is rebuilt once after the organisations instead of kept row by row (twice as fast).
        with search.bulk_insert():
            self._organizations()
        self._campuses()
        self._residencies()
        self._agreements()
        self._milestones()
        self._programmes()
        self._funding()
        self._rollups()
        return self.result

    def _rollups(self) -> None:
        # The rows above bypass the services, which keep the KPI rollups current: rebuild them once, as any
        # bulk load must, or the dashboard would count the campuses live (correct, but slow at this size).
        from biocampus.insight import rollups

        if connection.vendor == "postgresql":
            # The rollups are computed by joins over every table written above, in the same transaction, before
            # autovacuum has looked at them: with the statistics of the empty tables (or of rows a rolled-back
            # test left), PostgreSQL plans nested loops of sequential scans, and one campus's partners query ran
            # for over 20 minutes on 300 organisations. ANALYZE counts this transaction's own rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        campuses = list(Campus.objects.order_by("pk"))
        with self.progress("KPI rollups", len(campuses)) as bar:
            for campus in campuses:
                rollups.rebuild(campus)
                bar.update(1)

    def _save(self, model, rows: list) -> list:
        """Insert `rows` (namespaces of attribute values) with executemany, ids reserved up front.

        The ORM's bulk_create spends ~20 µs a row preparing values field by field; converting each column
        once per type and inserting tuples is what makes a million organisations take minutes.
        """
        if rows:
            _insert(model, rows, batch_size=self.batch_size, provenance_id=self.result.provenance.pk)
        self.result.created[model._meta.label] += len(rows)
        return rows

    def _record(self, model, rng: random.Random, **values) -> SimpleNamespace:
        # Public ids come from one stream per model, so they do not depend on how rows interleave in chunks.
        label = model._meta.label
        if label not in self.id_streams:
            self.id_streams[label] = _phase_rng(self.seed, f"public-id:{label}")
        return SimpleNamespace(public_id=_uuid(self.id_streams[label]), **values)

    # -- organisations ----------------------------------------------------------------------------------

    def _organizations(self) -> None:
        rng = _phase_rng(self.seed, "organizations")
        countries = list(names.COUNTRIES)
        country_weights = [names.COUNTRIES[c][0] for c in countries]
        kinds = list(KIND_SHARES)
        kind_weights = list(KIND_SHARES.values())
        campuses = campus_count(self.orgs)
        FieldLink = Organization.fields.through
        with self.progress("organisations", self.orgs) as bar:
            for start, end in _chunks(self.orgs, self.batch_size):
                rows, identifiers, links = [], [], []
                for index in range(start, end):
                    if index < campuses:
                        kind, country = K.CAMPUS, "CN"
                    else:
                        kind = rng.choices(kinds, weights=kind_weights)[0]
                        country = rng.choices(countries, weights=country_weights)[0]
                    city = rng.choice(names.COUNTRIES[country][1])
                    name, name_zh = self._name(rng, kind, country, city)
                    ident = self._identifier(rng, country) if kind != K.CAMPUS and rng.random() < 0.6 else None
                    organization = self._record(
                        Organization,
                        rng,
                        name=name,
                        name_zh=name_zh,
                        aliases=[],
                        kind=kind,
                        country=country,
                        city=city,
                        website="",
                        description="",
                        founded_year=self._founded(rng, kind),
                    )
                    organization.search_text = organization_search_text(
                        organization, identifiers=[ident[1]] if ident else []
                    )
                    rows.append(organization)
                    identifiers.append(ident)
                    links.append(rng.sample(self.field_ids, min(len(self.field_ids), rng.randint(1, 3))))
                    self.org_kinds.append(kind)
                    self.org_countries.append(country)
                    self.org_cities.append(city)
                with transaction.atomic():
                    self._save(Organization, rows)
                    self.org_ids.extend(o.pk for o in rows)
                    self._save(
                        OrganizationIdentifier,
                        [
                            self._record(OrganizationIdentifier, rng, organization_id=o.pk, scheme=i[0], value=i[1])
                            for o, i in zip(rows, identifiers, strict=True)
                            if i
                        ],
                    )
                    self._save(
                        FieldLink,
                        [
                            SimpleNamespace(organization_id=o.pk, field_id=f)
                            for o, fs in zip(rows, links, strict=True)
                            for f in fs
                        ],
                    )
                bar.update(end - start)

    @staticmethod
    def _founded(rng: random.Random, kind: str) -> int:
        if kind in (K.UNIVERSITY, K.HOSPITAL):
            return rng.randint(1880, 2015)
        if kind in (K.PHARMA, K.GOVERNMENT, K.ASSOCIATION):
            return rng.randint(1950, 2020)
        return rng.randint(1995, 2024)

    @staticmethod
    def _identifier(rng: random.Random, country: str) -> tuple[str, str]:
        if country == "CN":  # 18 characters like a unified social credit code
            alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
            return IdentifierScheme.USCC, "91" + "".join(rng.choice(alphabet) for _ in range(16))
        if rng.random() < 0.4:
            alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            return IdentifierScheme.LEI, "".join(rng.choice(alphabet) for _ in range(20))
        return IdentifierScheme.COMPANY_REGISTRY, f"{country}-{rng.getrandbits(40):012d}"

    @staticmethod
    def _brand(rng: random.Random) -> str:
        return rng.choice(names.PREFIXES) + rng.choice(names.STEMS).lower().capitalize() + rng.choice(names.ENDINGS)

    def _name(self, rng: random.Random, kind: str, country: str, city: str) -> tuple[str, str]:
        brand = self._brand(rng).strip()
        city_zh = names.CITIES_ZH.get(city, "")
        brand_zh = "".join(rng.sample(names.BRAND_CHARS, 2))
        domain_zh = rng.choice(names.DOMAINS_ZH)
        legal = rng.choice(names.LEGAL_FORMS[country])
        if kind == K.COMPANY:
            name = f"{brand} {rng.choice(names.COMPANY_SUFFIXES)} {legal}"
            zh = f"{city_zh}{brand_zh}{domain_zh}{rng.choice(names.COMPANY_TAILS_ZH)}"
        elif kind == K.PHARMA:
            name = f"{brand} {rng.choice(names.PHARMA_SUFFIXES)} {legal}"
            zh = f"{brand_zh}医药集团有限公司"
        elif kind == K.INVESTOR:
            name = f"{brand} {rng.choice(names.INVESTOR_SUFFIXES)}"
            zh = f"{brand_zh}创业投资有限公司"
        elif kind == K.HOSPITAL:
            number = rng.randint(1, 9)
            name = f"{city} No. {number} People's Hospital" if country == "CN" else f"{city} {brand} General Hospital"
            zh = f"{city_zh}市第{'一二三四五六七八九'[number - 1]}人民医院"
        elif kind == K.UNIVERSITY:
            name = rng.choice(
                [f"{city} Medical University", f"{city} Institute of Life Sciences", f"University of {city}"]
            )
            zh = f"{city_zh}{rng.choice(['医科大学', '生命科学研究院', '大学'])}"
        elif kind == K.GOVERNMENT:
            if rng.random() < 0.5:
                name, zh = (
                    f"{city} {brand} District Bureau of Science and Technology",
                    f"{city_zh}{brand_zh}区科学技术局",
                )
            else:
                name, zh = f"{city} Bureau of Science and Technology", f"{city_zh}市科学技术局"
        elif kind == K.ASSOCIATION:
            name = f"{city} {brand} Biomedical Industry Association"
            zh = f"{city_zh}{brand_zh}生物医药产业协会"
        elif kind == K.CAMPUS:
            name = f"{brand} Life Science Campus {city}"
            zh = f"{city_zh}{brand_zh}生命科学园"
        elif kind == K.HUB:
            name = f"{city} {brand} Innovation Hub"
            zh = f"{city_zh}{brand_zh}创新中心"
        elif kind == K.SERVICE_CENTER:
            name = f"{brand} CRO Services {legal}"
            zh = f"{city_zh}{brand_zh}医药研发服务有限公司"
        elif kind == K.LAB:
            name = f"{brand} {rng.choice(['Research Lab', 'Testing Laboratory', 'Sequencing Centre'])}"
            zh = f"{city_zh}{brand_zh}{domain_zh}实验室"
        else:
            name = f"{brand} Consulting"
            zh = f"{brand_zh}咨询有限公司"
        # Chinese organisations always have a Chinese name; a fifth of the others have one too.
        if country != "CN" and (rng.random() >= 0.2 or not city_zh and kind in (K.HOSPITAL, K.GOVERNMENT)):
            zh = ""
        return name, zh

    # -- campuses and residencies --------------------------------------------------------------------------

    def _campuses(self) -> None:
        rng = _phase_rng(self.seed, "campuses")
        rows = []
        for index in range(campus_count(self.orgs)):
            opened = _day(rng, datetime.date(2012, 1, 1), datetime.date(2022, 12, 31))
            rows.append(
                self._record(
                    Campus,
                    rng,
                    organization_id=self.org_ids[index],
                    slug=f"gen{self.seed}-{index + 1}",
                    opened_on=opened,
                    operational_on=opened + datetime.timedelta(days=rng.randint(0, 540)),
                )
            )
        with transaction.atomic():
            self._save(Campus, rows)
            for campus in rows:  # a campus's team looks after the campus's own record
                Organization.objects.filter(pk=campus.organization_id).update(steward_id=campus.pk)
        self.campus_ids = [c.pk for c in rows]
        self.campus_weights = list(itertools.accumulate(rng.paretovariate(1.2) for _ in rows))

    def _pick_campus(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.campus_weights, rng.random() * self.campus_weights[-1])

    def _campus_of(self, rng: random.Random, org_index: int) -> int:
        campus = self.residence.get(org_index)
        return self.campus_ids[campus if campus is not None else self._pick_campus(rng)]

    def _residencies(self) -> None:
        rng = _phase_rng(self.seed, "residencies")
        companies = [i for i, kind in enumerate(self.org_kinds) if kind in (K.COMPANY, K.LAB, K.SERVICE_CENTER)]
        with self.progress("residencies", len(companies)) as bar:
            for start, end in _chunks(len(companies), self.batch_size):
                rows = []
                for org_index in companies[start:end]:
                    if rng.random() >= 0.3:
                        continue
                    campus = self._pick_campus(rng)
                    self.residence[org_index] = campus
                    rows.append(self._residency(rng, org_index, campus))
                with transaction.atomic():
                    self._save(Residency, rows)
                    # Campus staff keep the records of their residents.
                    stewarded: dict[int, list[int]] = {}
                    for residency in rows:
                        stewarded.setdefault(residency.campus_id, []).append(residency.organization_id)
                    for campus_id, org_ids in stewarded.items():
                        Organization.objects.filter(pk__in=org_ids).update(steward_id=campus_id)
                bar.update(end - start)

    def _residency(self, rng: random.Random, org_index: int, campus: int) -> Residency:
        status = _weighted(rng, RESIDENCY_STATUSES)
        applied = _day(rng, datetime.date(2015, 1, 1), LATEST - datetime.timedelta(days=400))
        signed = moved_in = ended = None
        if status in SIGNED_STATUSES:
            signed = applied + datetime.timedelta(days=rng.randint(14, 120))
        if status in (ResidencyStatus.RESIDENT, ResidencyStatus.GRADUATED, ResidencyStatus.EXITED):
            moved_in = signed + datetime.timedelta(days=rng.randint(0, 90))
        if status in (ResidencyStatus.GRADUATED, ResidencyStatus.EXITED):
            ended = _day(rng, moved_in + datetime.timedelta(days=30))
        if status == ResidencyStatus.DECLINED:
            ended = applied + datetime.timedelta(days=rng.randint(7, 60))
        return self._record(
            Residency,
            rng,
            organization_id=self.org_ids[org_index],
            campus_id=self.campus_ids[campus],
            status=status,
            applied_on=None if status == ResidencyStatus.PROSPECT else applied,
            signed_on=signed,
            moved_in_on=moved_in,
            ended_on=ended,
            notes="",
        )

    # -- agreements -------------------------------------------------------------------------------------

    def _activity(self, rng: random.Random) -> list[float]:
        """Cumulative weights for choosing parties: heavy-tailed (Pareto), heavier for pharma, investors,
        governments and campuses, so a few hubs sign many agreements and most organisations one or none."""
        return list(
            itertools.accumulate(rng.paretovariate(1.5) * KIND_ACTIVITY.get(kind, 1.0) for kind in self.org_kinds)
        )

    def _agreements(self) -> None:
        rng = _phase_rng(self.seed, "agreements")
        cumulative = self._activity(rng)
        total_weight = cumulative[-1]
        count = self.orgs * AGREEMENTS_PER_ORGANIZATION
        wanted_parties = min(len(self.org_ids), 4)
        types = list(AgreementType)
        with self.progress("agreements", count) as bar:
            for start, end in _chunks(count, self.batch_size):
                agreements, party_lists = [], []
                for _ in range(start, end):
                    size = min(wanted_parties, rng.choices((2, 3, 4), weights=(60, 25, 15))[0])
                    parties: list[int] = []
                    while len(parties) < size:
                        pick = bisect.bisect_left(cumulative, rng.random() * total_weight)
                        if pick not in parties and pick < len(self.org_ids):
                            parties.append(pick)
                    status = _weighted(rng, AGREEMENT_STATUSES)
                    kind = rng.choice(types)
                    topic, topic_zh = names.AGREEMENT_TOPICS[kind]
                    signed = None if status in UNSIGNED else _day(rng, datetime.date(2016, 1, 1))
                    first = parties[0]
                    agreements.append(
                        self._record(
                            Agreement,
                            rng,
                            campus_id=self._campus_of(rng, rng.choice(parties)),
                            title=f"{topic}: {self._short(first)} and {self._short(parties[1])}",
                            title_zh=topic_zh,
                            type=kind,
                            status=status,
                            signed_on=signed,
                            place=self.org_cities[first] if signed else "",
                            summary="",
                        )
                    )
                    party_lists.append(parties)
                with transaction.atomic():
                    self._save(Agreement, agreements)
                    rows = []
                    for agreement, parties in zip(agreements, party_lists, strict=True):
                        for position, org_index in enumerate(parties):
                            role = self._party_role(agreement.type, position, self.org_kinds[org_index])
                            rows.append(
                                self._record(
                                    AgreementParty,
                                    rng,
                                    agreement_id=agreement.pk,
                                    organization_id=self.org_ids[org_index],
                                    role=role,
                                    signatory="",
                                )
                            )
                    self._save(AgreementParty, rows)
                bar.update(end - start)

    def _short(self, org_index: int) -> str:
        # Titles name the parties by kind and city: cheaper than reading names back, and still readable.
        return f"{KIND_WORDS[self.org_kinds[org_index]]} in {self.org_cities[org_index]}"

    @staticmethod
    def _party_role(agreement_type: str, position: int, kind: str) -> str:
        if agreement_type == AgreementType.INVESTMENT:
            return PartyRole.INVESTOR if kind == K.INVESTOR or position > 0 else PartyRole.RECIPIENT
        if agreement_type == AgreementType.LICENSING:
            return PartyRole.LICENSOR if position == 0 else PartyRole.LICENSEE
        if kind == K.CAMPUS:
            return PartyRole.HOST
        return PartyRole.LEAD if position == 0 else PartyRole.PARTY

    # -- milestones, programmes, funding ---------------------------------------------------------------------

    def _companies(self) -> list[int]:
        return [i for i, kind in enumerate(self.org_kinds) if kind == K.COMPANY]

    def _milestones(self) -> None:
        rng = _phase_rng(self.seed, "milestones")
        companies = self._companies()
        kinds = list(names.MILESTONE_TITLES)
        with self.progress("milestones", len(companies)) as bar:
            for start, end in _chunks(len(companies), self.batch_size // 4 or 1):
                rows = []
                for org_index in companies[start:end]:
                    for _ in range(rng.randint(2, 9)):
                        kind = rng.choice(kinds)
                        value = unit = None
                        if kind == MilestoneKind.MARKET_REACH:
                            value, unit = Decimal(rng.randint(5, 800)), "hospitals"
                        elif kind == MilestoneKind.FUNDING:
                            value, unit = Decimal(rng.randint(1, 500) * 1_000_000), self._currency(org_index)
                        rows.append(
                            self._record(
                                Milestone,
                                rng,
                                campus_id=self._campus_of(rng, org_index),
                                organization_id=self.org_ids[org_index],
                                kind=kind,
                                title=names.MILESTONE_TITLES[kind],
                                occurred_on=_day(rng, datetime.date(2016, 1, 1)),
                                date_precision=rng.choice((DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH)),
                                value=value,
                                unit=unit or "",
                                description="",
                            )
                        )
                with transaction.atomic():
                    self._save(Milestone, rows)
                bar.update(end - start)

    def _currency(self, org_index: int) -> str:
        country = self.org_countries[org_index]
        return "EUR" if country in EURO_COUNTRIES else CURRENCIES.get(country, "USD")

    def _programmes(self) -> None:
        """Programmes (one per 25 organisations) and company targets (one per 10 companies), observed over time."""
        rng = _phase_rng(self.seed, "programmes")
        # Targets and observations draw from their own streams: chunk boundaries must not change the rows.
        target_rng = _phase_rng(self.seed, "targets")
        observation_rng = _phase_rng(self.seed, "observations")
        companies = self._companies()
        count = max(1, self.orgs // 25)
        owners = [rng.choice(companies) if companies else 0 for _ in range(count)]
        company_targets = rng.sample(companies, len(companies) // 10)
        ProgrammeLink = Programme.organizations.through
        with self.progress("programmes and targets", count + len(company_targets)) as bar:
            for start, end in _chunks(count, self.batch_size // 10 or 1):
                programmes = []
                for owner in owners[start:end]:
                    theme, theme_zh = rng.choice(names.PROGRAMME_THEMES)
                    starts = _day(rng, datetime.date(2016, 1, 1), LATEST - datetime.timedelta(days=730))
                    programmes.append(
                        self._record(
                            Programme,
                            rng,
                            campus_id=self._campus_of(rng, owner),
                            name=f"{theme} in {self.org_cities[owner]}",
                            name_zh=f"{names.CITIES_ZH.get(self.org_cities[owner], '')}{theme_zh}",
                            starts_on=starts,
                            ends_on=starts + datetime.timedelta(days=rng.randint(365, 1825)),
                            description="",
                        )
                    )
                with transaction.atomic():
                    self._save(Programme, programmes)
                    self._save(
                        ProgrammeLink,
                        [
                            SimpleNamespace(programme_id=p.pk, organization_id=self.org_ids[o])
                            for p, o in zip(programmes, owners[start:end], strict=True)
                        ],
                    )
                    targets = [
                        self._target(target_rng, campus_id=p.campus_id, programme_id=p.pk, starts=p.starts_on)
                        for p in programmes
                        for _ in range(target_rng.randint(1, 3))
                    ]
                    self._save(Target, targets)
                    self._save(Observation, [o for t in targets for o in self._observations(observation_rng, t)])
                bar.update(end - start)
            for start, end in _chunks(len(company_targets), self.batch_size // 10 or 1):
                targets = [
                    self._target(
                        target_rng,
                        campus_id=self._campus_of(rng, o),
                        organization_id=self.org_ids[o],
                        starts=_day(rng, datetime.date(2017, 1, 1), LATEST - datetime.timedelta(days=400)),
                    )
                    for o in company_targets[start:end]
                ]
                with transaction.atomic():
                    self._save(Target, targets)
                    self._save(Observation, [o for t in targets for o in self._observations(observation_rng, t)])
                bar.update(end - start)

    def _target(self, rng: random.Random, *, campus_id: int, starts: datetime.date, **owner) -> Target:
        metric, unit = rng.choice(names.TARGET_METRICS)
        return self._record(
            Target,
            rng,
            campus_id=campus_id,
            metric=metric,
            unit=unit,
            baseline=Decimal(0),
            goal=Decimal(rng.choice((1, 2, 5)) * 10 ** rng.randint(2, 6)),
            starts_on=starts,
            due_on=starts + datetime.timedelta(days=rng.randint(365, 1460)),
            **owner,
        )

    def _observations(self, rng: random.Random, target: Target) -> list[Observation]:
        """Cumulative values on distinct dates, monthly-ish from the start, none after LATEST."""
        rows, value, day = [], Decimal(0), target.starts_on
        for _ in range(rng.randint(4, 12)):
            day += datetime.timedelta(days=rng.randint(20, 60))
            if day > LATEST:
                break
            value += (target.goal * Decimal(rng.randint(2, 15))) / 100
            rows.append(
                self._record(Observation, rng, target_id=target.pk, observed_on=day, value=value.quantize(Decimal("1")))
            )
        return rows

    def _funding(self) -> None:
        """One or two rounds for a fifth of the companies, with one to three investors and at most one lead."""
        rng = _phase_rng(self.seed, "funding")
        investors = [i for i, kind in enumerate(self.org_kinds) if kind == K.INVESTOR]
        if not investors:
            return
        weights = list(itertools.accumulate(rng.paretovariate(1.2) for _ in investors))
        funded = [i for i in self._companies() if rng.random() < 0.2]
        types = [t for t in FundingRoundType if t not in (FundingRoundType.IPO, FundingRoundType.DEBT)]
        with self.progress("funding rounds", len(funded)) as bar:
            for start, end in _chunks(len(funded), self.batch_size // 2 or 1):
                rounds, backers = [], []
                for org_index in funded[start:end]:
                    for _ in range(rng.choice((1, 1, 1, 2))):
                        amount = Decimal(rng.randint(1, 300) * 1_000_000)
                        disclosed = rng.random() < 0.85
                        rounds.append(
                            self._record(
                                FundingRound,
                                rng,
                                campus_id=self._campus_of(rng, org_index),
                                recipient_id=self.org_ids[org_index],
                                round_type=rng.choice(types),
                                amount=amount if disclosed else None,
                                currency=self._currency(org_index),
                                announced_on=_day(rng, datetime.date(2016, 1, 1)),
                                date_precision=DatePrecision.DAY,
                                description="",
                            )
                        )
                        chosen: list[int] = []
                        for _ in range(min(len(investors), rng.randint(1, 3))):
                            while True:
                                pick = bisect.bisect_left(weights, rng.random() * weights[-1])
                                if pick not in chosen:
                                    chosen.append(pick)
                                    break
                        backers.append((chosen, rng.random() < 0.7))
                with transaction.atomic():
                    self._save(FundingRound, rounds)
                    self._save(
                        FundingInvestment,
                        [
                            self._record(
                                FundingInvestment,
                                rng,
                                funding_round_id=r.pk,
                                investor_id=self.org_ids[investors[pick]],
                                is_lead=has_lead and position == 0,
                                amount=None,
                            )
                            for r, (chosen, has_lead) in zip(rounds, backers, strict=True)
                            for position, pick in enumerate(chosen)
                        ],
                    )
                bar.update(end - start)


def generate(*, orgs: int, seed: int = 1, batch_size: int = DEFAULT_BATCH_SIZE, progress=None) -> Result:
    """Fill the database with a synthetic ecosystem of `orgs` organisations; the rows created per model."""
    return Generator(orgs=orgs, seed=seed, batch_size=batch_size, progress=progress).run()
