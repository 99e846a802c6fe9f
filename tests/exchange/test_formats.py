"""Reading and writing files: what is refused before any row is looked at, and the line numbers people see."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest

from biocampus.exchange import cells, formats
from tests.exchange.conftest import csv_bytes, json_bytes, xlsx_bytes


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(formats.FileRefused) as caught:
        formats.read_bytes(data, name)
    return caught.value.message


class TestRefusedBeforeReading:
    def test_a_file_over_the_limit_is_refused_by_its_size(self, settings):
        settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
        message = refusal(b"name,kind\n" + b"x" * (50 * 1024 * 1024), "big.csv")
        assert "50.0 MB" in message and "20.0 MB" in message

    def test_a_file_on_disk_over_the_limit_is_refused_without_being_read(self, tmp_path, settings, monkeypatch):
        settings.BIOCAMPUS_MAX_UPLOAD_BYTES = 1024
        path = tmp_path / "big.csv"
        path.write_bytes(b"name,kind\n" + b"x" * 4096)
        monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("the file was read"))
        with pytest.raises(formats.FileRefused, match="limit is 1 KB"):
            formats.read_path(path)

    @pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
    def test_an_empty_file(self, data):
        assert refusal(data, "empty.csv") == "The file is empty."

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("orgs.txt", "use .csv (UTF-8), .xlsx or .json"),
            ("orgs.xls", "save the workbook as .xlsx"),
            ("orgs", "use .csv"),
        ],
    )
    def test_an_unknown_extension(self, name, expected):
        assert expected in refusal(b"name,kind\nA,company\n", name)

    def test_a_csv_named_xlsx(self):
        assert "called .xlsx but its content is text (CSV)" in refusal(b"name,kind\nA,company\n", "orgs.xlsx")

    def test_a_workbook_named_csv(self):
        assert "called .csv but its content is an Excel workbook" in refusal(xlsx_bytes([["name"]]), "orgs.csv")

    def test_json_named_csv(self):
        assert "content is JSON" in refusal(json_bytes([{"name": "A"}]), "orgs.csv")

    def test_a_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        assert "zip archive that is not an Excel workbook" in refusal(buffer.getvalue(), "orgs.xlsx")

    def test_an_old_excel_file_renamed(self):
        assert "old Excel 97-2003" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "orgs.xlsx")


class TestEncoding:
    def test_utf8_with_and_without_bom_read_the_same(self):
        plain = formats.read_bytes("name\n无锡\n".encode(), "a.csv")
        bom = formats.read_bytes(b"\xef\xbb\xbf" + "name\n无锡\n".encode(), "a.csv")
        assert plain.headings == bom.headings == ["name"]
        assert plain.rows[0].cells == bom.rows[0].cells == {"name": "无锡"}

    def test_gbk_is_refused_with_the_line_and_what_to_do(self):
        message = refusal("name,city\nTeddy,无锡\n".encode("gbk"), "gbk.csv")
        assert "not UTF-8" in message and "line 2" in message and "CSV UTF-8" in message

    def test_latin1_is_refused(self):
        assert "not UTF-8" in refusal("name\nSociété\n".encode("latin-1"), "fr.csv")

    def test_utf16_says_so(self):
        assert "UTF-16" in refusal("name\nA\n".encode("utf-16"), "u16.csv")


class TestCsv:
    def test_headings_are_normalised_and_lines_are_those_people_see(self):
        data = b'Name,Name ZH,founded-year\nA,,\n\n"B, with\na line break",,2001\nC,,\n'
        table = formats.read_bytes(data, "a.csv")
        assert table.headings == ["name", "name_zh", "founded_year"]
        assert [(row.line, row.cells["name"]) for row in table.rows] == [
            (2, "A"),
            (4, "B, with\na line break"),
            (6, "C"),
        ]

    def test_semicolons_and_tabs_are_recognised(self):
        for delimiter in ";\t":
            table = formats.read_bytes(csv_bytes([["name", "kind"], ["A", "company"]], delimiter=delimiter), "a.csv")
            assert table.rows[0].cells == {"name": "A", "kind": "company"}

    def test_a_row_with_more_cells_than_headings_is_flagged(self):
        table = formats.read_bytes(b"name,kind\nA,company,extra\n", "a.csv")
        assert "3 cells but there are only 2 column headings" in table.rows[0].problem

    def test_a_duplicated_heading_is_refused(self):
        assert "“Name” appears twice" in refusal(b"Name,kind,name\nA,company,B\n", "a.csv")

    def test_a_missing_heading_is_refused(self):
        assert "Column 2 has no heading" in refusal(b"name,,kind\nA,x,company\n", "a.csv")

    def test_nul_bytes_are_read_so_that_the_row_can_be_reported(self):
        table = formats.read_bytes(b"name,kind\n\x00,company\n", "a.csv")
        assert table.rows[0].cells["name"] == "\x00"

    def test_exported_cells_that_look_like_formulas_come_back_unchanged(self):
        data = formats.write("csv", ["name"], [{"name": "=HYPERLINK(1)"}, {"name": "-5"}, {"name": "'quoted"}])
        assert b"'=HYPERLINK(1)" in data
        table = formats.read_bytes(data, "a.csv")
        assert [row.cells["name"] for row in table.rows] == ["=HYPERLINK(1)", "-5", "'quoted"]


class TestXlsx:
    def test_rows_are_worksheet_rows_and_dates_are_dates(self):
        data = xlsx_bytes(
            [[None], ["name", "founded_year", "signed_on"], ["A", 2001, datetime.datetime(2020, 11, 6)], [], ["B"]]
        )
        table = formats.read_bytes(data, "a.xlsx")
        assert table.headings == ["name", "founded_year", "signed_on"]
        assert [row.line for row in table.rows] == [3, 5]
        assert table.rows[0].cells["signed_on"] == datetime.date(2020, 11, 6)

    def test_written_text_is_never_a_formula(self):
        data = formats.write("xlsx", ["name", "on"], [{"name": "=1+1", "on": datetime.date(2020, 1, 2)}])
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
        assert sheet["B2"].value == datetime.datetime(2020, 1, 2)
        assert formats.read_bytes(data, "back.xlsx").rows[0].cells == {"name": "=1+1", "on": datetime.date(2020, 1, 2)}


class TestJson:
    def test_each_object_keeps_the_line_it_starts_on(self):
        data = b'[\n  {"name": "A"},\n\n  {"name": "B",\n   "kind": "lab"}, {"name": "C"}\n]\n'
        table = formats.read_bytes(data, "a.json")
        assert [(row.line, row.cells["name"]) for row in table.rows] == [(2, "A"), (4, "B"), (5, "C")]
        assert table.headings == ["name", "kind"]

    def test_not_an_array(self):
        assert "array of objects" in refusal(b'{"name": "A"}', "a.json")

    def test_broken_json_says_where(self):
        assert "line 3" in refusal(b'[\n {"name": "A"},\n {"name": }\n]', "a.json")

    def test_trailing_text(self):
        assert "more after the closing ]" in refusal(b'[{"name": "A"}] [1]', "a.json")

    def test_an_item_that_is_not_an_object_is_a_row_problem(self):
        table = formats.read_bytes(b'[{"name": "A"}, 3]', "a.json")
        assert table.rows[1].problem


class TestCells:
    def test_lists_and_records_round_trip_with_escapes(self):
        values = ["a|b", "c;d", "e\\f", "plain"]
        assert cells.split_list(cells.join_list(values)) == values
        text = cells.join_record("Name; with | marks", [("role", "lead"), ("signatory", "A;B"), ("empty", "")])
        assert text == "Name\\; with \\| marks; role=lead; signatory=A\\;B"
        assert cells.split_record(cells.split_items(text)[0]) == (
            "Name; with | marks",
            [("role", "lead"), ("signatory", "A;B")],
        )

    def test_line_breaks_separate_items_too(self):
        assert cells.split_list("a\nb | c\n\n") == ["a", "b", "c"]

    def test_a_part_without_equals_is_an_error(self):
        with pytest.raises(ValueError, match="lead"):
            cells.split_record("AstraZeneca; lead")
