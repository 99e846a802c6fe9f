"""Importing each kind through its services: creates with provenance, re-imports that change nothing, updates
with history, natural keys and public ids, references, permissions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from biocampus.accounts.permissions import visible
from biocampus.agreements.models import Agreement
from biocampus.campuses.models import Residency
from biocampus.core.choices import ProvenanceMethod
from biocampus.directory.models import Organization, Person
from biocampus.exchange.exporter import export_records
from biocampus.exchange.kinds import KINDS, kind_named
from biocampus.progress.models import FundingRound, Milestone
from tests.exchange.conftest import csv_bytes, json_bytes, xlsx_bytes
from tests.factories import EventFactory, FieldFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# One file per everyday kind, on top of the shared fixtures (campus-a hosts Teddy Lab and Neighbour Bio).
FILES = {
    "organizations": [
        ["name", "name_zh", "aliases", "kind", "country", "city", "founded_year", "identifiers", "description"],
        ["Suzhou Gene Labs", "苏州基因", "SGL | Suzhou Gene", "company", "CN", "Suzhou", "2015",
         "91320594MA1X000001; scheme=uscc", "Sequencing services."],
        ["Nordic Health Hub", "", "", "hub", "Sweden", "Gothenburg", "", "", ""],
    ],
    "people": [
        ["name", "name_zh", "organization", "title", "email"],
        ["Li Wei", "李伟", "Teddy Lab", "CEO", "li.wei@example.org"],
        ["Free Agent", "", "", "Advisor", ""],
    ],
    "residencies": [
        ["organization", "status", "applied_on", "notes"],
        ["Pharma Partner", "applied", "2021-03-01", "Looking at a lab bench."],
    ],
    "agreements": [
        ["title", "type", "status", "signed_on", "parties", "obligations"],
        ["Diagnostics cooperation", "cooperation", "signed", "2021-05-20",
         "Teddy Lab; role=lead; signatory=Dr Bear | Pharma Partner",
         "Quarterly report; party=Teddy Lab; due_on=2021-09-30"],
    ],
    "milestones": [
        ["organization", "kind", "title", "occurred_on", "date_precision", "value", "unit"],
        ["Teddy Lab", "market_reach", "Kits in 120 hospitals", "2021-06-01", "month", "120", "hospitals"],
    ],
    "funding_rounds": [
        ["recipient", "round_type", "amount", "currency", "announced_on", "investors"],
        ["Teddy Lab", "series_a", "10,000,000", "CNY", "2021-03-01", "Pharma Partner; lead=yes; amount=6000000 | Neighbour Bio"],
    ],
}  # fmt: skip


def import_rows(run_import, kind, rows, actor, file_name=None, **options):
    file_name = file_name or f"{kind}.csv"
    return run_import(kind, csv_bytes(rows), file_name, actor=actor, **options)


@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_imports_and_importing_it_again_changes_nothing(
    kind, users, campus_a, neighbour_org, run_import, db_rows
):
    staff = users.campus_staff
    first = import_rows(run_import, kind, FILES[kind], staff, default_campus=campus_a)
    assert first.ok and first.written, first.as_text()
    assert first.counts["created"] == len(FILES[kind]) - 1

    before = db_rows()
    again = import_rows(run_import, kind, FILES[kind], staff, default_campus=campus_a)

    assert again.ok, again.as_text()
    assert again.counts["unchanged"] == len(FILES[kind]) - 1
    assert not again.written
    assert db_rows() == before  # no row, no history entry, no provenance


@pytest.mark.parametrize("kind", list(FILES))
def test_an_export_reimports_unchanged_in_every_format(kind, users, campus_a, neighbour_org, run_import, db_rows):
    staff = users.campus_staff
    assert import_rows(run_import, kind, FILES[kind], staff, default_campus=campus_a).written
    readable = visible(KINDS[kind].model.objects.all(), staff)  # what the staff member's pages export
    before = db_rows()
    for fmt in ("csv", "xlsx", "json"):
        data = export_records(KINDS[kind], readable, fmt)
        report = run_import(kind, data, f"export.{fmt}", actor=staff)
        assert report.ok and report.counts["unchanged"] == readable.count(), (fmt, report.as_text())
    assert db_rows() == before


def test_imported_records_name_their_file(users, campus_a, run_import):
    import_rows(run_import, "organizations", FILES["organizations"], users.campus_staff, file_name="suzhou.csv")

    organization = Organization.objects.get(name="Suzhou Gene Labs")
    assert organization.provenance.method == ProvenanceMethod.IMPORT
    assert organization.provenance.file_name == "suzhou.csv"
    assert organization.provenance.entered_by == users.campus_staff
    assert organization.aliases == ["SGL", "Suzhou Gene"]
    assert organization.country == "CN" and str(Organization.objects.get(name="Nordic Health Hub").country) == "SE"
    assert [(i.scheme, i.value) for i in organization.identifiers.all()] == [("uscc", "91320594MA1X000001")]
    assert organization.history.get().history_user == users.campus_staff


def test_a_changed_row_updates_through_the_service_with_history(users, resident_org, run_import):
    rows = [["name", "kind", "city", "website"], ["Teddy Lab", "company", "Shanghai", "https://teddy.example.org"]]

    report = import_rows(run_import, "organizations", rows, users.campus_staff, file_name="teddy.csv")

    assert report.counts["updated"] == 1, report.as_text()
    resident_org.refresh_from_db()
    assert (resident_org.city, resident_org.website) == ("Shanghai", "https://teddy.example.org")
    latest = resident_org.history.first()
    assert latest.history_type == "~" and latest.history_user == users.campus_staff
    assert latest.history_change_reason == "imported from teddy.csv"
    assert resident_org.provenance.method != ProvenanceMethod.IMPORT  # the record keeps where it came from


def test_an_absent_column_is_left_alone_and_a_blank_cell_clears(users, resident_org, run_import):
    resident_org.description, resident_org.name_zh = "Kept", "泰迪"
    resident_org.save()

    import_rows(
        run_import, "organizations", [["name", "kind", "name_zh"], ["Teddy Lab", "company", ""]], users.campus_staff
    )

    resident_org.refresh_from_db()
    assert (resident_org.description, resident_org.name_zh) == ("Kept", "")


def test_a_blank_status_keeps_the_stored_one(users, campus_a, resident_org, run_import):
    residency = Residency.objects.get(organization=resident_org)
    rows = [["organization", "campus", "status", "notes"], ["Teddy Lab", "campus-a", "", "Good neighbour"]]

    report = import_rows(run_import, "residencies", rows, users.campus_staff)

    assert report.counts["updated"] == 1, report.as_text()
    residency.refresh_from_db()
    assert (residency.status, residency.notes) == ("resident", "Good neighbour")


def test_a_public_id_finds_the_record_and_may_rename_it(users, resident_org, run_import):
    rows = [["public_id", "name", "kind"], [str(resident_org.public_id), "Teddy Lab Group", "company"]]

    report = import_rows(run_import, "organizations", rows, users.campus_staff)

    assert report.counts["updated"] == 1
    resident_org.refresh_from_db()
    assert resident_org.name == "Teddy Lab Group"


def test_a_name_alone_never_renames(users, resident_org, run_import):
    resident_org.aliases = ["TL"]
    resident_org.save()

    report = import_rows(
        run_import, "organizations", [["name", "kind", "city"], ["TL", "company", "Nanjing"]], users.campus_staff
    )

    resident_org.refresh_from_db()
    assert report.counts["updated"] == 1
    assert resident_org.name == "Teddy Lab" and resident_org.city == "Nanjing"
    assert "alias of “Teddy Lab”" in report.notes[0].message


def test_a_public_id_not_in_the_database_creates_the_record_with_it(users, run_import):
    public_id = "0b3a3c55-5a55-4f5d-9c7e-111111111111"

    import_rows(
        run_import,
        "organizations",
        [["public_id", "name", "kind"], [public_id, "Fresh Co", "company"]],
        users.campus_staff,
    )

    assert str(Organization.objects.get(name="Fresh Co").public_id) == public_id


def test_a_parent_may_come_further_down_the_file(users, run_import):
    rows = [["name", "kind", "parent"], ["Fresh Lab Unit", "lab", "Fresh Holding"], ["Fresh Holding", "company", ""]]

    report = import_rows(run_import, "organizations", rows, users.campus_staff)

    assert report.ok, report.as_text()
    assert Organization.objects.get(name="Fresh Lab Unit").parent.name == "Fresh Holding"


def test_identifiers_are_added_and_never_removed(users, resident_org, run_import):
    first = [["name", "kind", "identifiers"], ["Teddy Lab", "company", "AAA111; scheme=registry"]]
    import_rows(run_import, "organizations", first, users.campus_staff)
    second = [["name", "kind", "identifiers"], ["Teddy Lab", "company", "BBB222; scheme=lei"]]

    report = import_rows(run_import, "organizations", second, users.campus_staff)

    assert report.counts["updated"] == 1
    assert sorted(resident_org.identifiers.values_list("value", flat=True)) == ["AAA111", "BBB222"]
    again = import_rows(run_import, "organizations", first, users.campus_staff)
    assert again.counts["unchanged"] == 1


def test_fields_by_code_or_name(users, resident_org, run_import):
    FieldFactory(slug="test-genomics", name="Test genomics")
    rows = [["name", "kind", "fields"], ["Teddy Lab", "company", "test-genomics | Diagnostics"]]

    report = import_rows(run_import, "organizations", rows, users.campus_staff)

    assert report.ok, report.as_text()
    assert sorted(resident_org.fields.values_list("slug", flat=True)) == ["diagnostics", "test-genomics"]


def test_nested_parties_and_investors(users, campus_a, neighbour_org, run_import):
    import_rows(run_import, "agreements", FILES["agreements"], users.campus_staff, default_campus=campus_a)
    import_rows(run_import, "funding_rounds", FILES["funding_rounds"], users.campus_staff, default_campus=campus_a)

    agreement = Agreement.objects.get(title="Diagnostics cooperation")
    assert [(p.organization.name, p.role, p.signatory) for p in agreement.parties.order_by("pk")] == [
        ("Teddy Lab", "lead", "Dr Bear"),
        ("Pharma Partner", "party", ""),
    ]
    assert [(o.description, o.party.name, o.due_on) for o in agreement.obligations.all()] == [
        ("Quarterly report", "Teddy Lab", datetime.date(2021, 9, 30))
    ]
    funding_round = FundingRound.objects.get()
    assert funding_round.amount == Decimal("10000000")
    assert [(i.investor.name, i.is_lead, i.amount) for i in funding_round.investments.order_by("pk")] == [
        ("Pharma Partner", True, Decimal("6000000")),
        ("Neighbour Bio", False, None),
    ]


def test_a_changed_party_list_is_synced_with_history(users, campus_a, neighbour_org, run_import):
    import_rows(run_import, "agreements", FILES["agreements"], users.campus_staff, default_campus=campus_a)
    rows = [FILES["agreements"][0], [*FILES["agreements"][1][:4], "Teddy Lab; role=lead | Neighbour Bio", ""]]

    report = import_rows(run_import, "agreements", rows, users.campus_staff, default_campus=campus_a)

    assert report.counts["updated"] == 1, report.as_text()
    agreement = Agreement.objects.get(title="Diagnostics cooperation")
    assert sorted(agreement.parties.values_list("organization__name", flat=True)) == ["Neighbour Bio", "Teddy Lab"]
    assert agreement.obligations.count() == 1  # obligations are added, never removed
    assert {"+", "-"} <= {h.history_type for h in agreement.parties.model.history.filter(agreement_id=agreement.pk)}


def test_people_are_found_by_name_and_organisation(users, run_import):
    import_rows(run_import, "people", FILES["people"], users.campus_staff)
    rows = [["name", "organization", "title"], ["Li Wei", "Teddy Lab", "Chief executive"]]

    report = import_rows(run_import, "people", rows, users.campus_staff)

    assert report.counts["updated"] == 1
    assert Person.objects.get(name="Li Wei").title == "Chief executive"


def test_events_are_named_at_the_row_campus(users, campus_a, campus_b, run_import):
    EventFactory(campus=campus_a, name="Bio Summit")
    EventFactory(campus=campus_b, name="Bio Summit")
    rows = [
        ["organization", "campus", "kind", "title", "event"],
        ["Teddy Lab", "campus-a", "other", "Spoke", "Bio Summit"],
    ]

    report = import_rows(run_import, "milestones", rows, users.campus_staff)

    assert report.ok, report.as_text()
    assert Milestone.objects.get(title="Spoke").event.campus == campus_a


def test_a_row_needs_a_campus(users, run_import):
    report = import_rows(run_import, "milestones", FILES["milestones"], users.campus_staff)

    assert report.problems[0].column == "campus"
    assert "No campus: fill in the campus column, or choose a campus." in report.problems[0].message


def test_the_services_decide_permissions(users, campus_b, run_import, db_rows):
    rows = [["organization", "campus", "status"], ["Teddy Lab", "campus-b", "prospect"]]
    before = db_rows()

    report = import_rows(run_import, "residencies", rows, users.campus_staff)

    assert not report.ok
    assert report.problems[0].message == "Not allowed: You do not have permission to do this."
    assert db_rows() == before


def test_a_reader_sees_only_what_it_may_reference(users, run_import):
    secret = OrganizationFactory(name="Registry Co")
    rows = [["name", "organization"], ["Someone", secret.name]]

    report = import_rows(run_import, "people", rows, users.no_membership)

    assert "No organisation called “Registry Co”" in report.problems[0].message


def test_xlsx_and_json_give_what_csv_gives(users, campus_a, neighbour_org, run_import):
    header, *rows = FILES["funding_rounds"]
    as_objects = [dict(zip(header, row, strict=True)) for row in rows]
    as_objects[0]["investors"] = [
        {"investor": "Pharma Partner", "lead": True, "amount": 6000000},
        "Neighbour Bio",
    ]
    for data, name in ((xlsx_bytes(FILES["funding_rounds"]), "r.xlsx"), (json_bytes(as_objects), "r.json")):
        report = run_import("funding_rounds", data, name, actor=users.campus_staff, default_campus=campus_a)
        assert report.ok, report.as_text()
    assert FundingRound.objects.count() == 1
    assert FundingRound.objects.get().investments.count() == 2


def test_kind_names_accept_other_spellings():
    assert kind_named("organisations").name == "organizations"
    assert kind_named("Funding-Rounds").name == "funding_rounds"
    with pytest.raises(KeyError):
        kind_named("unicorns")


def test_a_refused_first_row_does_not_take_the_import_s_provenance_with_it(users, campus_a, neighbour_org, run_import):
    """The provenance is made at the first create; when that row is rolled back, the next create makes it again."""
    rows = [
        ["title", "type", "parties"],
        ["One-sided", "mou", "Teddy Lab"],  # refused by the service, after the provenance was made
        ["Two-sided", "mou", "Teddy Lab | Neighbour Bio"],
    ]

    report = import_rows(run_import, "agreements", rows, users.campus_staff, default_campus=campus_a, skip_invalid=True)

    assert report.ok and report.written, report.as_text()
    assert Agreement.objects.get(title="Two-sided").provenance.file_name == "agreements.csv"


def test_a_refused_update_does_not_leak_into_a_later_row(users, resident_org, run_import):
    history = resident_org.history.count()
    rows = [
        ["name", "kind", "city", "founded_year"],
        ["Teddy Lab", "company", "Nanjing", "1200"],  # refused by the model (founded before 1600)
        ["Teddy Lab", "company", "Wuxi", ""],  # what is stored
    ]

    report = import_rows(run_import, "organizations", rows, users.campus_staff, skip_invalid=True)

    assert (report.counts["invalid"], report.counts["unchanged"]) == (1, 1), report.as_text()
    resident_org.refresh_from_db()
    assert (resident_org.city, resident_org.founded_year) == ("Wuxi", None)
    assert resident_org.history.count() == history
