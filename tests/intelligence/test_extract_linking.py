"""Linking proposed names to the registry: exact name, alias, Chinese name, then fuzzy above the threshold, with
one query per document."""

import pytest
from rapidfuzz import fuzz

from biocampus.directory.models import Organization
from biocampus.intelligence.extraction import extract
from biocampus.intelligence.extraction.linking import FUZZY_THRESHOLD, RegistryLinker, normal
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    for i in range(30):
        OrganizationFactory(name=f"Unrelated Holding {i}")
    return {
        "teddor": OrganizationFactory(name="Teddor Lab Services", aliases=["Teddor"]),
        "harbour": OrganizationFactory(name="Harbourside Innovation Campus", aliases=["H-Campus"], kind="campus"),
        "zh": OrganizationFactory(name="Nanhu Biotech", name_zh="南湖生物"),
        "omron": OrganizationFactory(name="Omrex Corporation"),
    }


def linker():
    return RegistryLinker(Organization.objects.all())


def test_exact_alias_chinese_and_fuzzy(registry):
    link = linker()
    link.prepare([("Teddor Lab Services", []), ("H-Campus", []), ("南湖生物", []), ("Teddor Labs Service", [])])
    assert link.match("Teddor Lab Services", [])["how"] == "name"
    assert link.match("the teddor lab services", [])["public_id"] == str(registry["teddor"].public_id)
    assert link.match("Harbour campus", ["H-Campus"])["how"] == "alias"
    assert link.match("南湖生物", [])["how"] == "name_zh"
    fuzzy = link.match("Teddor Labs Service", [])
    assert fuzzy["how"] == "fuzzy" and fuzzy["score"] >= FUZZY_THRESHOLD
    assert link.match("Teddor Lab Services Co., Ltd.", [])["how"] == "name"  # legal form ignored


def test_below_the_threshold_stays_unlinked(registry):
    link = linker()
    # The threshold keeps these apart (scores measured by rapidfuzz, asserted here so a change is noticed).
    assert fuzz.token_sort_ratio(normal("Omrex Healthcare"), normal("Omrex Corporation")) < FUZZY_THRESHOLD
    assert fuzz.token_sort_ratio(normal("Teddor Bear Lab"), normal("Teddor Lab Services")) < FUZZY_THRESHOLD
    assert link.match("Omrex Healthcare", []) is None
    assert link.match("Teddor Bear Lab", []) is None
    assert link.match("Completely New Ventures", []) is None


def test_extract_links_with_one_query_per_document(registry, django_assert_num_queries):
    text = (
        "Teddor Lab Services joined Harbourside Innovation Campus (H-Campus). Nanhu Biotech and Fresh Newco Ventures "
        "signed an MOU with Teddor Lab Services."
    )
    link = linker()
    with django_assert_num_queries(1):
        result = extract(text, linker=link)
    matches = {o["name"]: o["match"] for o in result["organizations"]}
    assert matches["Teddor Lab Services"]["public_id"] == str(registry["teddor"].public_id)
    assert matches["Harbourside Innovation Campus"]["how"] == "name"
    assert matches["Nanhu Biotech"]["how"] == "name"
    assert matches["Fresh Newco Ventures"] is None


def test_candidates_are_loaded_by_words_not_the_whole_table(registry):
    link = linker()
    link.prepare([("Teddor Lab Services", [])])
    names = {o.name for o in link.candidates}
    assert "Teddor Lab Services" in names
    assert not any(n.startswith("Unrelated") for n in names)


def test_without_a_linker_no_database_is_touched(django_assert_num_queries):
    with django_assert_num_queries(0):
        result = extract("Teddor Lab Services joined Harbourside Innovation Campus.")
    assert all(o["match"] is None for o in result["organizations"])
