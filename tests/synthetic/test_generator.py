"""`biocampus generate`: a synthetic ecosystem that is realistic enough, valid, searchable and the same per seed."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q

from biocampus.agreements.models import Agreement, AgreementParty
from biocampus.campuses.models import Campus, Residency
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization, OrganizationIdentifier
from biocampus.directory.search import search_organizations
from biocampus.directory.services import organization_search_text
from biocampus.progress.models import FundingInvestment, FundingRound, Milestone, Observation, Programme, Target
from biocampus.synthetic.generator import generate

N = 300


@pytest.fixture
def generated(db):
    return generate(orgs=N, seed=11)


def test_counts_follow_the_organisation_count(generated):
    prov = generated.provenance
    assert Organization.objects.filter(provenance=prov).count() == N
    assert Campus.objects.filter(provenance=prov).count() == 1
    assert Agreement.objects.filter(provenance=prov).count() == 3 * N
    progress = Milestone.objects.filter(provenance=prov).count() + Observation.objects.filter(provenance=prov).count()
    assert 3.5 * N <= progress <= 6.5 * N
    companies = Organization.objects.filter(provenance=prov, kind=OrganizationKind.COMPANY).count()
    assert 0.5 * N <= companies <= 0.75 * N
    assert 0.1 * companies <= FundingRound.objects.filter(provenance=prov).values("recipient").distinct().count()
    assert 0.15 * companies <= Residency.objects.filter(provenance=prov).count() <= 0.45 * companies
    assert sum(generated.created.values()) > 10 * N


def test_names_countries_and_kinds_are_mixed(generated):
    organizations = Organization.objects.filter(provenance=generated.provenance)
    countries = Counter(organizations.values_list("country", flat=True))
    assert countries.most_common(1)[0][0] == "CN"
    assert len(countries) >= 8
    assert len(set(organizations.values_list("kind", flat=True))) >= 8
    chinese = organizations.exclude(name_zh="")
    assert chinese.count() >= countries["CN"]
    assert all(
        name.endswith(("公司", "医院", "大学", "研究院", "局", "协会", "园", "中心", "实验室"))
        for name in chinese.values_list("name_zh", flat=True)
    )
    assert organizations.filter(fields__isnull=True).count() == 0


def test_agreements_have_two_to_four_parties_and_hubs(generated):
    agreements = Agreement.objects.filter(provenance=generated.provenance).annotate(n=Count("parties"))
    assert agreements.filter(Q(n__lt=2) | Q(n__gt=4)).count() == 0
    per_org = sorted(
        AgreementParty.objects.filter(provenance=generated.provenance)
        .values("organization")
        .annotate(n=Count("id"))
        .values_list("n", flat=True),
        reverse=True,
    )
    total = sum(per_org)
    # A power law: the busiest 5% of organisations are parties to far more than 5% of the agreements.
    assert sum(per_org[: N // 20]) >= 0.3 * total


def test_funding_rounds_have_investors_and_at_most_one_lead(generated):
    rounds = FundingRound.objects.filter(provenance=generated.provenance).annotate(
        investors_n=Count("investments"), leads=Count("investments", filter=Q(investments__is_lead=True))
    )
    assert rounds.exists()
    assert rounds.filter(Q(investors_n__lt=1) | Q(investors_n__gt=3) | Q(leads__gt=1)).count() == 0
    assert rounds.filter(leads=1).exists()
    assert not FundingInvestment.objects.exclude(investor__kind=OrganizationKind.INVESTOR).exists()


MODELS = [
    Organization,
    OrganizationIdentifier,
    Campus,
    Residency,
    Agreement,
    AgreementParty,
    Milestone,
    Programme,
    Target,
    Observation,
    FundingRound,
    FundingInvestment,
]


def test_a_sample_of_every_model_passes_full_clean(generated):
    for model in MODELS:
        sample = list(model.objects.filter(provenance=generated.provenance).order_by("id"))[::7][:25]
        assert sample, model
        for row in sample:
            row.full_clean()


def test_search_text_is_what_directory_services_would_write(generated):
    organizations = Organization.objects.filter(provenance=generated.provenance).prefetch_related("identifiers")
    for organization in organizations[:50]:
        assert organization.search_text == organization_search_text(organization)
    chinese = organizations.exclude(name_zh="").first()
    assert chinese in search_organizations(Organization.objects.all(), chinese.name_zh)
    english = organizations.filter(kind=OrganizationKind.COMPANY).first()
    assert english in search_organizations(Organization.objects.all(), english.name)


def _digest(provenance) -> str:
    """Everything that must repeat for a seed, by public id (database ids may differ, e.g. PostgreSQL sequences)."""
    tables = [
        Organization.objects.filter(provenance=provenance).values_list(
            "public_id",
            "name",
            "name_zh",
            "kind",
            "country",
            "city",
            "founded_year",
            "search_text",
            "steward__public_id",
        ),
        Agreement.objects.filter(provenance=provenance).values_list(
            "public_id", "title", "type", "status", "signed_on", "campus__public_id"
        ),
        AgreementParty.objects.filter(provenance=provenance).values_list(
            "agreement__public_id", "organization__public_id", "role"
        ),
        Milestone.objects.filter(provenance=provenance).values_list("public_id", "kind", "occurred_on", "value"),
        Observation.objects.filter(provenance=provenance).values_list("target__public_id", "observed_on", "value"),
        FundingInvestment.objects.filter(provenance=provenance).values_list(
            "funding_round__public_id", "investor__public_id", "is_lead"
        ),
    ]
    digest = hashlib.sha256()
    for table in tables:
        for row in sorted(map(repr, table)):
            digest.update(row.encode())
    return digest.hexdigest()


def _digest_of_a_run(seed: int, orgs: int = 120, batch_size: int = 10_000) -> str:
    with transaction.atomic():
        result = generate(orgs=orgs, seed=seed, batch_size=batch_size)
        digest = _digest(result.provenance)
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_whatever_the_batch_size():
    first = _digest_of_a_run(5)
    assert _digest_of_a_run(5, batch_size=37) == first
    assert _digest_of_a_run(6) != first


@pytest.mark.django_db
def test_command_reports_the_rows_and_refuses_a_seed_twice():
    out, err = StringIO(), StringIO()
    call_command("generate", orgs=40, seed=3, stdout=out, stderr=err)
    assert "directory.Organization: 40" in out.getvalue()
    assert "agreements.Agreement: 120" in out.getvalue()
    assert "organisations" in err.getvalue()  # the progress bars
    with pytest.raises(CommandError, match="already generated"):
        call_command("generate", orgs=40, seed=3, stdout=StringIO(), stderr=StringIO())
    assert Organization.objects.count() == 40


@pytest.mark.django_db
def test_command_refuses_bad_arguments_and_production_settings(settings):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate", orgs=0, stdout=StringIO(), stderr=StringIO())
    settings.BIOCAMPUS_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="--force"):
        call_command("generate", orgs=5, stdout=StringIO(), stderr=StringIO())
    assert not Organization.objects.exists()
    call_command("generate", orgs=5, force=True, stdout=StringIO(), stderr=StringIO())
    assert Organization.objects.count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans by the statistics ANALYZE keeps")
def test_the_tables_are_analysed_before_the_rollups_are_computed(generated):
    """The rollups join every table just written, in the same transaction: without fresh statistics PostgreSQL
    planned nested loops of sequential scans (one partners query ran for over 20 minutes on 300 organisations)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [AgreementParty._meta.db_table])
        estimated = cursor.fetchone()[0]
    assert estimated >= 0.9 * AgreementParty.objects.count() > 0
