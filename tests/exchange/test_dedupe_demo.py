"""Dedupe on the demo campus (loaded once for this module): import proposals and the duplicates listing."""

from __future__ import annotations

import pytest

from biocampus.directory import services
from biocampus.directory.dedupe import probable_duplicates_for
from biocampus.directory.models import Organization
from tests.exchange.conftest import csv_bytes

pytestmark = pytest.mark.django_db


class TestDemoCampus:
    NEAR_DUPLICATES = {
        "Liangzhun Industrial Co., Ltd.": "Liangzhun Industrial Co.",
        "ASTRAZENECA LTD": "AstraZeneca",
        "ＴＥＤＤＹ Lab Services Inc.": "Teddy Lab Services",
        "阿斯利康": "AstraZeneca",
        "CHIC Health Co": "CHIC Health",
        "Omron Helthcare": "Omron Healthcare",
        "Tricog Health": "Tricog",
        "BioVentureHub AB": "BioVenture Hub",
        "Hangzhou Tigermed Consulting": "Tigermed",
    }

    def test_the_demo_directory_itself_is_clean(self, demo):
        assert probable_duplicates_for(demo.user("demo")) == []

    def test_an_import_proposes_matches_and_creates_none_of_them(self, demo, run_import, db_rows):
        rows = [
            ["name", "kind"],
            *([name, "company"] for name in self.NEAR_DUPLICATES),
            ["Brand New Therapeutics", "company"],
        ]
        before = Organization.objects.count()

        report = run_import("organizations", csv_bytes(rows), "near.csv", actor=demo.user("staff"), skip_invalid=True)

        proposed = {duplicate.name: duplicate.candidates[0].name for duplicate in report.duplicates}
        assert proposed == self.NEAR_DUPLICATES
        assert report.counts["created"] == 1
        assert Organization.objects.count() == before + 1

    def test_a_chinese_name_column_matches_the_english_record(self, demo, run_import):
        rows = [["name", "name_zh", "kind"], ["Tencent Holdings", "腾讯", "company"]]

        report = run_import("organizations", csv_bytes(rows), "zh.csv", actor=demo.user("staff"))

        assert report.duplicates[0].candidates[0].name == "Tencent"

    def test_the_duplicates_page_proposes_a_near_duplicate_added_to_the_demo(self, demo):
        admin = demo.user("demo")
        services.organization_create(actor=admin, name="Liangzhun", kind="company")
        services.organization_create(actor=admin, name="ASTRAZENECA LTD", kind="pharma")

        pairs = {(pair.first.name, pair.second.name): pair.reason for pair in probable_duplicates_for(admin)}

        assert pairs == {
            ("AstraZeneca", "ASTRAZENECA LTD"): "same name apart from punctuation or legal form (Co., Ltd, Inc.)",
            ("Liangzhun", "Liangzhun Industrial Co."): "same name (alias “Liangzhun”)",
        }
