"""Dedupe: probable matches for imported rows and probable duplicate pairs in the directory, on generated
near-duplicates and on the demo campus."""

from __future__ import annotations

import random

import pytest

from biocampus.directory.dedupe import DirectoryIndex, Entry, normalise, tokens
from biocampus.directory.models import Organization
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db


class TestNames:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Liangzhun Industrial Co., Ltd.", "liangzhun industrial"),
            ("ＴＥＤＤＹ Lab Services Inc.", "teddy lab services"),
            ("The Johnson & Johnson Company", "johnson and johnson"),
            ("S.A. Pharma S.A.", "sa pharma"),
            ("阿斯利康（中国）投资有限公司", "阿斯利康 中国 投资"),
            ("Co.", "co"),  # a name that is only a legal form stays a name
        ],
    )
    def test_normalise(self, name, expected):
        assert normalise(name) == expected

    def test_chinese_runs_become_character_pairs(self):
        assert tokens("阿斯利康 tencent") == ("阿斯", "斯利", "利康", "tencent")


def index_of(*names: str | tuple) -> DirectoryIndex:
    index = DirectoryIndex()
    for pk, item in enumerate(names, start=1):
        name, name_zh, aliases = (item, "", ()) if isinstance(item, str) else item
        index.add(Entry(pk, f"id-{pk}", name, name_zh, tuple(aliases)))
    return index


# A directory like a campus's: distinctive names among generic words, cities and legal forms.
_STEMS = [
    "Qilin",
    "Zhenyu",
    "Borui",
    "Haotian",
    "Jinxin",
    "Yuanfang",
    "Kangde",
    "Mingyi",
    "Xinrui",
    "Huaxia",
    "Tianyan",
    "Ruibo",
    "Anke",
    "Shengshi",
]
_GENERIC = ["Biotech", "Medical", "Diagnostics", "Pharmaceutical", "Health", "Life Science", "Lab Services"]
_PLACES = ["Wuxi", "Suzhou", "Shanghai", ""]


def generated_directory(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    names = []
    for stem in _STEMS:
        for generic in rng.sample(_GENERIC, 2):
            place = rng.choice(_PLACES)
            names.append(" ".join(part for part in (place, stem, generic) if part))
    return names


def near_duplicate(name: str, how: str, rng: random.Random) -> str:
    words = name.split()
    if how == "case":
        return name.upper()
    if how == "width":
        return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in name)
    if how == "legal":
        return name + rng.choice([" Co., Ltd.", " Inc.", " Limited", " GmbH"])
    if how == "punctuation":
        return name.replace(" ", "-", 1) + "."
    if how == "shorter":
        return " ".join(words[:-1]) if len(words) > 2 else words[-2]
    if how == "longer":
        return name + " Holdings"
    if how == "typo":  # two letters swapped after the fourth ("Tencnet")
        longest = max(words, key=len)
        return name.replace(longest, longest[:-2] + longest[-1] + longest[-2])
    raise ValueError(how)


class TestGeneratedNearDuplicates:
    @pytest.mark.parametrize("how", ["case", "width", "legal", "punctuation", "shorter", "longer", "typo"])
    def test_each_variant_finds_its_original_first(self, how):
        names = generated_directory()
        index = index_of(*names)
        rng = random.Random(how)
        for pk, name in enumerate(names, start=1):
            variant = near_duplicate(name, how, rng)
            matches = index.matches(name=variant)
            assert matches, f"{variant!r} found nothing (original {name!r})"
            assert matches[0].entry.pk == pk or matches[0].score == next(
                m.score for m in matches if m.entry.pk == pk
            ), f"{variant!r}: {[(m.name, m.score) for m in matches]}"

    def test_planted_pairs_are_found_and_nothing_else(self):
        names = generated_directory()
        rng = random.Random(1)
        planted = {}
        for number, how in enumerate(["case", "legal", "punctuation", "longer", "typo", "width"]):
            original = names[number * 4]
            planted[near_duplicate(original, how, rng)] = original
        index = index_of(*names, *planted)

        pairs = {frozenset((pair.first.name, pair.second.name)) for pair in index.duplicate_pairs()}

        assert pairs == {frozenset(pair) for pair in planted.items()}

    def test_different_organisations_that_share_generic_words_are_not_proposed(self):
        index = index_of(
            "Wuxi Biomedical Industry Association",
            "CEIBS Alumni Healthcare Industry Association",
            "Wuxi International Life Science Innovation Campus",
            "Hangzhou International Life Science Innovation Campus",
            "Wuxi Municipal Government",
        )
        assert index.duplicate_pairs() == []
        assert index.matches(name="Wuxi") == []

    def test_chinese_and_alias_forms(self):
        index = index_of(("AstraZeneca", "阿斯利康", ()), ("Teddy Lab Services", "", ("Teddy Lab",)))

        by_chinese = index.matches(name="AZ China", name_zh="阿斯利康")
        assert (by_chinese[0].name, by_chinese[0].reason) == ("AstraZeneca", "same Chinese name")
        assert index.matches(name="阿斯利康（中国）投资有限公司")[0].name == "AstraZeneca"
        assert "alias “Teddy Lab”" in index.matches(name="TEDDY LAB")[0].reason

    def test_a_unit_and_its_parent_are_not_a_pair(self):
        index = DirectoryIndex()
        index.add(Entry(1, "a", "Teddy Lab Services"))
        index.add(Entry(2, "b", "Wuxi Teddy Lab Services Med Lab", parent_id=1))
        assert index.duplicate_pairs() == []


class TestDecisions:
    @pytest.fixture
    def teddy(self, db):
        from tests.factories import OrganizationFactory

        return OrganizationFactory(name="Teddy Lab Services")

    def rows(self, *extra_columns):
        header = ["name", "kind", "city", *(column for column, _value in extra_columns)]
        return csv_bytes([header, ["Teddy Lab", "company", "Wuxi", *(value for _column, value in extra_columns)]])

    def test_a_probable_duplicate_is_not_created(self, teddy, run_import):
        report = run_import("organizations", self.rows(), "t.csv")

        assert not report.ok and report.counts["duplicate"] == 1
        assert report.duplicates[0].candidates[0].public_id == str(teddy.public_id)
        assert "“Teddy Lab” is probably “Teddy Lab Services”" in report.as_text()
        assert Organization.objects.count() == 1

    def test_match_new_creates_it(self, teddy, run_import):
        report = run_import("organizations", self.rows(("match", "new")), "t.csv")
        assert report.counts["created"] == 1 and Organization.objects.count() == 2

    def test_create_new_creates_it(self, teddy, run_import):
        report = run_import("organizations", self.rows(), "t.csv", create_new=True)
        assert report.counts["created"] == 1 and Organization.objects.count() == 2

    def test_match_a_public_id_updates_that_organisation_and_keeps_the_name_as_alias(self, teddy, run_import, db_rows):
        data = self.rows(("match", str(teddy.public_id)))

        report = run_import("organizations", data, "t.csv")

        assert report.counts["updated"] == 1, report.as_text()
        teddy.refresh_from_db()
        assert (teddy.name, teddy.aliases, teddy.city) == ("Teddy Lab Services", ["Teddy Lab"], "Wuxi")
        before = db_rows()
        assert run_import("organizations", data, "t.csv").counts["unchanged"] == 1
        assert run_import("organizations", self.rows(), "t.csv").counts["unchanged"] == 1  # now an alias
        assert db_rows() == before

    def test_a_decision_taken_on_the_page_counts_like_a_match_column(self, teddy, run_import):
        report = run_import("organizations", self.rows(), "t.csv", decisions={2: str(teddy.public_id)})
        assert report.counts["updated"] == 1

    def test_a_match_that_names_nothing_is_an_error(self, teddy, run_import):
        report = run_import("organizations", self.rows(("match", "Teddy Bear Inc")), "t.csv")
        assert (
            report.problems[0].column == "match" and "Did you mean “Teddy Lab Services”?" in report.problems[0].message
        )

    def test_two_rows_of_one_file_that_are_one_organisation(self, db, run_import):
        data = csv_bytes([["name", "kind"], ["Qilin Biotech", "company"], ["QILIN BIOTECH CO., LTD.", "company"]])

        report = run_import("organizations", data, "q.csv", skip_invalid=True)

        assert report.counts["created"] == 1 and report.duplicates[0].line == 3


def test_a_unit_is_not_proposed_as_a_duplicate_of_its_parent(db, run_import):
    data = csv_bytes(
        [
            ["name", "kind", "aliases", "parent"],
            ["Qilin Biotech", "company", "QB", ""],
            ["QB Wuxi", "lab", "", "Qilin Biotech"],
        ]
    )

    report = run_import("organizations", data, "units.csv")

    assert report.ok and report.counts["created"] == 2, report.as_text()
