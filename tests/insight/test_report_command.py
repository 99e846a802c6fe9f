"""`biocampus report`: the yearly report of a campus as PDF and XLSX, from the records of the year."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from biocampus.agreements.choices import AgreementType
from biocampus.campuses.choices import ResidencyStatus
from biocampus.demo import seed
from biocampus.insight import kpis
from biocampus.progress.choices import MilestoneKind
from tests.factories import (
    AgreementFactory,
    CampusFactory,
    FieldFactory,
    MilestoneFactory,
    OrganizationFactory,
    ResidencyFactory,
)

# The residents signed at the 3rd CIIE in the seed story (the press release's twelve companies).
CIIE_RESIDENTS = {
    "Bestudy",
    "Biortus",
    "CardioCloud",
    "Ethicall",
    "Hainan Medical Science and Technology Co.",
    "Leantech",
    "LinkDoc",
    "MiDIVI",
    "UST",
    "Zeroad",
    "Zhenfu",
}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo campuses, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed.load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def campus(db):
    """A small campus with one record of each kind in 2021, and one of each outside the year."""
    campus = CampusFactory(
        slug="bio-park", organization__name="Bio Park", organization__name_zh="生物园", organization__country="CN"
    )
    oncology = FieldFactory(name="Oncology")
    home = OrganizationFactory(name="Home Pharma", country="CN")
    home.fields.add(oncology)
    abroad = OrganizationFactory(name='=HYPERLINK("http://evil")', name_zh="海外", country="US")
    ResidencyFactory(campus=campus, organization=home, signed_on=datetime.date(2021, 3, 2), moved_in_on=None)
    ResidencyFactory(campus=campus, organization=abroad, signed_on=datetime.date(2021, 9, 9), moved_in_on=None)
    ResidencyFactory(
        campus=campus, organization=OrganizationFactory(name="Old Resident"), signed_on=datetime.date(2019, 1, 1)
    )
    ResidencyFactory(
        campus=campus,
        organization=OrganizationFactory(name="Still a Prospect"),
        status=ResidencyStatus.PROSPECT,
        signed_on=None,
        moved_in_on=None,
    )
    AgreementFactory(
        campus=campus,
        title="<b>Bold</b> & co agreement",
        type=AgreementType.COOPERATION,
        signed_on=datetime.date(2021, 5, 20),
        place="Wuxi",
        parties=[home, abroad],
    )
    AgreementFactory(campus=campus, title="Agreement of 2020", signed_on=datetime.date(2020, 5, 20))
    MilestoneFactory(
        campus=campus,
        organization=home,
        kind=MilestoneKind.MARKET_REACH,
        title="Devices in 470 hospitals",
        occurred_on=datetime.date(2021, 6, 1),
        date_precision="month",
    )
    MilestoneFactory(campus=campus, organization=home, title="Milestone of 2022", occurred_on=datetime.date(2022, 1, 5))
    return campus


@pytest.mark.django_db
def test_pdf_of_the_demo_2020_lists_the_residents_signed_at_the_ciie(demo, tmp_path):
    out = tmp_path / "wuxi-2020.pdf"
    stdout, stderr = run("--campus", "icampus-wuxi", "--year", "2020", "--format", "pdf", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "Wrote" in stdout
    assert "6/6" in stderr  # the progress bar went through every step
    text = pdf_text(out)
    assert "2020" in text
    assert "Annual report 2020" in text
    assert "Wuxi International Life Science" in text
    assert "无锡国际生命科学创新园" in text  # the campus's Chinese name, in the CJK font
    flat = " ".join(text.split())
    for name in CIIE_RESIDENTS:
        assert name in flat, name
    assert "Liangzhun Industrial Co." in flat


@pytest.mark.django_db
def test_xlsx_of_the_demo_2020_has_the_twelve_ciie_residents(demo, tmp_path):
    out = tmp_path / "wuxi-2020.xlsx"
    run("--campus", "icampus-wuxi", "--year", "2020", "--format", "xlsx", "--out", str(out))
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["KPIs", "Residents signed", "Agreements", "Milestones"]
    rows = list(workbook["Residents signed"].iter_rows(min_row=2, values_only=True))
    ciie = [row for row in rows if row[4] == datetime.datetime(2020, 11, 6)]
    assert len(ciie) >= 12
    assert {row[0] for row in ciie} >= CIIE_RESIDENTS
    # The key figures add up with the lists.
    figures = {row[0]: row[1] for row in workbook["KPIs"].iter_rows(min_row=2, values_only=True)}
    assert len(figures) == len(kpis.KPIS)
    assert figures["Residents signed"] == len(rows) >= 12
    assert len(list(workbook["Agreements"].iter_rows(min_row=2))) == figures["Agreements signed"]
    assert len(list(workbook["Milestones"].iter_rows(min_row=2))) == figures["Milestones"]


@pytest.mark.django_db
def test_chinese_pdf_has_chinese_labels(demo, tmp_path):
    out = tmp_path / "wuxi-2020-zh.pdf"
    run("--campus", "icampus-wuxi", "--year", "2020", "--format", "pdf", "--out", str(out), "--language", "zh-hans")
    text = pdf_text(out)
    assert "2020" in text
    assert "无锡国际生命科学创新园" in text
    assert "Bestudy" in text
    # Labels from the zh-Hans catalogue, the KPIs' ("Residents signed") among them.
    for label in ("签约的入驻企业", "年份", "机构", "签署日期", "国内", "境外", "值", "描述"):
        assert label in text, label


@pytest.mark.django_db
def test_pdf_of_a_year_has_its_records_only_and_escapes_markup(campus, tmp_path):
    out = tmp_path / "report.pdf"
    run("--campus", str(campus.public_id), "--year", "2021", "--format", "pdf", "--out", str(out))
    flat = " ".join(pdf_text(out).split())
    assert "Bio Park" in flat and "生物园" in flat and "2021" in flat
    assert "Home Pharma" in flat and "海外" in flat
    assert "<b>Bold</b> & co agreement" in flat  # shown as written, not taken for markup
    assert "Devices in 470 hospitals" in flat and "2021-06" in flat  # month precision
    assert "Old Resident" not in flat and "Still a Prospect" not in flat
    assert "Agreement of 2020" not in flat and "Milestone of 2022" not in flat


@pytest.mark.django_db
def test_xlsx_rows_match_the_year_and_formulas_stay_text(campus, tmp_path):
    out = tmp_path / "report.xlsx"
    run("--campus", "bio-park", "--year", "2021", "--format", "xlsx", "--out", str(out))
    workbook = openpyxl.load_workbook(out)
    residents = list(workbook["Residents signed"].iter_rows(values_only=True))
    assert residents[0][0] == "Organisation"
    assert [row[0] for row in residents[1:]] == ["Home Pharma", '=HYPERLINK("http://evil")']
    assert [row[3] for row in residents[1:]] == ["home", "abroad"]
    assert residents[1][4] == datetime.datetime(2021, 3, 2)
    assert residents[1][5] == "Oncology"
    formula_cell = workbook["Residents signed"]["A3"]
    assert formula_cell.data_type == "s"
    agreements = list(workbook["Agreements"].iter_rows(min_row=2, values_only=True))
    assert agreements == [
        (
            "<b>Bold</b> & co agreement",
            "Cooperation",
            'Home Pharma, =HYPERLINK("http://evil")',
            datetime.datetime(2021, 5, 20),
            "Wuxi",
        )
    ]
    assert workbook["Agreements"]["C2"].data_type == "s"
    milestones = list(workbook["Milestones"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[3], row[4], row[5]) for row in milestones] == [
        ("Home Pharma", "Devices in 470 hospitals", 470, "hospitals", "2021-06")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--campus", "nowhere", "--year", "2020", "--format", "pdf"), "Unknown campus 'nowhere'"),
        (("--campus", "bio-park", "--year", "20x0", "--format", "pdf"), "Bad year '20x0'"),
        (("--campus", "bio-park", "--year", "1066", "--format", "pdf"), "Bad year '1066'"),
        (("--campus", "bio-park", "--year", "2020", "--format", "docx"), "Unknown format 'docx'"),
        (("--campus", "bio-park", "--year", "2020", "--format", "pdf", "--language", "fr"), "Unknown language"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message_and_no_file(campus, tmp_path, args, message):
    out = tmp_path / "report.out"
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(out))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_an_unwritable_path_is_refused(campus, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("--campus", "bio-park", "--year", "2021", "--format", "pdf", "--out", str(tmp_path / "no" / "r.pdf"))
    with pytest.raises(CommandError, match="is a folder"):
        run("--campus", "bio-park", "--year", "2021", "--format", "pdf", "--out", str(tmp_path))
    # /proc takes no new files, even from root.
    with pytest.raises(CommandError, match="Cannot write /proc/r.pdf"):
        run("--campus", "bio-park", "--year", "2021", "--format", "pdf", "--out", "/proc/r.pdf")
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(CommandError, match="Cannot write"):
                run("--campus", "bio-park", "--year", "2021", "--format", "pdf", "--out", str(locked / "r.pdf"))
            assert list(locked.iterdir()) == []
        finally:
            locked.chmod(0o700)


@pytest.mark.django_db
def test_an_existing_file_is_replaced_whole(campus, tmp_path):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"old")
    run("--campus", "bio-park", "--year", "2021", "--format", "pdf", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert [path.name for path in tmp_path.iterdir()] == ["report.pdf"]


@pytest.mark.django_db
def test_a_year_without_records_still_makes_a_report(campus, tmp_path):
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    run("--campus", "bio-park", "--year", "2010", "--format", "pdf", "--out", str(pdf))
    run("--campus", "bio-park", "--year", "2010", "--format", "xlsx", "--out", str(xlsx))
    flat = " ".join(pdf_text(pdf).split())
    assert "No resident signed in this year." in flat and "No agreement signed in this year." in flat
    workbook = openpyxl.load_workbook(xlsx)
    assert [sheet.max_row for sheet in workbook.worksheets[1:]] == [1, 1, 1]  # headers only
