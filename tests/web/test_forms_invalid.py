"""Bad input on every form answers 200 with the form and a clear message, and writes nothing.

Each case spoils one thing in otherwise valid data (tests/web/payloads.py) and checks that the page
comes back with the form, that the message a person needs is on it, and that no row was written:
no record, no child row, no provenance and no history entry (`db_rows` counts every table of the
apps, the history tables included).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.web.conftest import form_payload, text_of
from tests.web.payloads import CREATE_FORMS

pytestmark = pytest.mark.django_db

NUL = ("Null characters are not allowed.", "Text may not contain NUL bytes")
REQUIRED = ("This field is required.",)
BAD_DATE = ("Enter a valid date.",)
UNKNOWN_ORG = ("No organisation called “Nowhere Biotech”. Add it to the directory first.",)
BAD_DAY = "2020-13-45"


@dataclass(frozen=True)
class Case:
    form: str  # key of CREATE_FORMS
    changes: dict
    messages: tuple[str, ...]  # one of them must be on the page
    drop: tuple[str, ...] = field(default=())  # fields to leave out of the POST altogether


def _with_nul(value: str) -> str:
    return value[:3] + "\x00" + value[3:]


CASES = {
    # organisation
    "organization-nul-name": Case("organization", {"name": "Acme\x00 Bio"}, NUL),
    "organization-control-char": Case("organization", {"name": "Acme\x07 Bio"}, ("control characters",)),
    "organization-blank-name": Case("organization", {"name": "   "}, REQUIRED),
    "organization-no-kind": Case("organization", {}, REQUIRED, drop=("kind",)),
    "organization-unknown-parent": Case("organization", {"parent": "Nowhere Biotech"}, UNKNOWN_ORG),
    "organization-bad-year": Case("organization", {"founded_year": "MMXVIII"}, ("Enter a whole number.",)),
    "organization-year-out-of-range": Case(
        "organization", {"founded_year": "1200"}, ("greater than or equal to 1600",)
    ),
    "organization-bad-website": Case("organization", {"website": "not a url"}, ("Enter a valid URL.",)),
    "organization-nul-alias": Case("organization", {"aliases": "SGW\nGene\x00Works"}, NUL),
    "organization-unknown-kind": Case("organization", {"kind": "spaceship"}, ("Select a valid choice.",)),
    "organization-long-name": Case("organization", {"name": "x" * 10_000}, ("at most 255 characters",)),
    # person
    "person-nul-notes": Case("person", {"notes": "Met at\x00 CIIE"}, NUL),
    "person-blank-name": Case("person", {"name": ""}, REQUIRED),
    "person-unknown-organisation": Case("person", {"organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "person-nul-organisation": Case("person", {"organization": "Teddy\x00 Lab Services"}, NUL),
    "person-bad-email": Case("person", {"email": "jane at example"}, ("Enter a valid email address.",)),
    # residency
    "residency-nul-notes": Case("residency", {"notes": "Signed\x00"}, NUL),
    "residency-blank-organisation": Case("residency", {"organization": ""}, REQUIRED),
    "residency-bad-date": Case("residency", {"signed_on": BAD_DAY}, BAD_DATE),
    "residency-unknown-organisation": Case("residency", {"organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "residency-moved-in-before-signing": Case(
        "residency",
        {"status": "resident", "signed_on": "2021-05-01", "moved_in_on": "2021-04-01"},
        ("Move-in cannot come before signing.",),
    ),
    "residency-ended-before-signing": Case(
        "residency",
        {"status": "exited", "signed_on": "2021-05-01", "ended_on": "2021-04-01"},
        ("A residency cannot end before it was signed.",),
    ),
    "residency-second-at-same-campus": Case(
        "residency",
        {"organization": "Teddy Lab Services"},
        ("This organisation already has a residency at this campus.",),
    ),
    "residency-campus-is-not-a-resident": Case(
        "residency",
        {"organization": "Hangzhou International Life Science Innovation Campus"},
        ("A campus cannot be a resident of another campus.",),
    ),
    "residency-blank-campus": Case("residency", {"campus": ""}, REQUIRED),
    # agreement
    "agreement-nul-title": Case("agreement", {"title": "Joint\x00 pilot"}, NUL),
    "agreement-blank-title": Case("agreement", {"title": ""}, REQUIRED),
    "agreement-bad-date": Case("agreement", {"signed_on": BAD_DAY}, BAD_DATE),
    "agreement-unknown-party": Case("agreement", {"parties-1-organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "agreement-nul-signatory": Case("agreement", {"parties-0-signatory": "Dr.\x00 T"}, NUL),
    "agreement-single-party": Case(
        "agreement",
        {"parties-TOTAL_FORMS": "1"},
        ("An agreement needs at least two parties.",),
    ),
    "agreement-no-party": Case(
        "agreement", {"parties-TOTAL_FORMS": "0"}, ("An agreement needs at least two parties.",)
    ),
    "agreement-same-party-twice": Case(
        "agreement",
        {"parties-1-organization": "teddy lab services"},
        ("Each organisation can be a party only once.",),
    ),
    "agreement-missing-management-form": Case(
        "agreement",
        {},
        ("ManagementForm data is missing or has been tampered with",),
        drop=("parties-TOTAL_FORMS", "parties-INITIAL_FORMS"),
    ),
    # event
    "event-nul-name": Case("event", {"name": "Wuxi\x00 Biotech Week"}, NUL),
    "event-blank-name": Case("event", {"name": ""}, REQUIRED),
    "event-bad-date": Case("event", {"starts_on": BAD_DAY}, BAD_DATE),
    "event-ends-before-it-starts": Case(
        "event", {"starts_on": "2021-05-12", "ends_on": "2021-05-10"}, ("An event cannot end before it starts.",)
    ),
    "event-unknown-exhibitor": Case("event", {"showcases-0-organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "event-unknown-booth-host": Case("event", {"showcases-0-booth_host": "Nowhere Biotech"}, UNKNOWN_ORG),
    "event-nul-offering": Case("event", {"showcases-0-offering": "Rapid\x00 kits"}, NUL),
    "event-showcase-without-offering": Case("event", {"showcases-0-offering": ""}, REQUIRED),
    # milestone
    "milestone-nul-title": Case("milestone", {"title": "100\x00 hospitals"}, NUL),
    "milestone-blank-title": Case("milestone", {"title": ""}, REQUIRED),
    "milestone-bad-date": Case("milestone", {"occurred_on": BAD_DAY}, BAD_DATE),
    "milestone-unknown-organisation": Case("milestone", {"organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "milestone-value-without-unit": Case("milestone", {"unit": ""}, ("A value needs a unit",)),
    "milestone-bad-value": Case("milestone", {"value": "a hundred"}, ("Enter a number.",)),
    # programme
    "programme-nul-name": Case("programme", {"name": "Respiratory\x00 pilot"}, NUL),
    "programme-blank-name": Case("programme", {"name": ""}, REQUIRED),
    "programme-bad-date": Case("programme", {"starts_on": BAD_DAY}, BAD_DATE),
    "programme-unknown-organisation": Case(
        "programme", {"organizations-1-organization": "Nowhere Biotech"}, UNKNOWN_ORG
    ),
    # target
    "target-nul-metric": Case("target", {"metric": "tests\x00 run"}, NUL),
    "target-blank-metric": Case("target", {"metric": ""}, REQUIRED),
    "target-blank-due-date": Case("target", {"due_on": ""}, REQUIRED),
    "target-bad-date": Case("target", {"due_on": BAD_DAY}, BAD_DATE),
    "target-unknown-organisation": Case("target", {"organization": "Nowhere Biotech"}, UNKNOWN_ORG),
    "target-bad-observation-date": Case("target", {"observations-0-observed_on": BAD_DAY}, BAD_DATE),
    "target-nul-observation-note": Case("target", {"observations-0-note": "half\x00"}, NUL),
    "target-goal-equals-baseline": Case("target", {"goal": "0"}, ("The goal must differ from the baseline.",)),
    "target-due-before-start": Case(
        "target", {"starts_on": "2022-01-01", "due_on": "2021-12-31"}, ("A target cannot be due before it starts.",)
    ),
    "target-belongs-nowhere": Case(
        "target", {"organization": ""}, ("A target belongs to a programme or an organisation.",)
    ),
    # funding round
    "fundinground-nul-description": Case("fundinground", {"description": "Series\x00 A"}, NUL),
    "fundinground-blank-recipient": Case("fundinground", {"recipient": ""}, REQUIRED),
    "fundinground-bad-date": Case("fundinground", {"announced_on": BAD_DAY}, BAD_DATE),
    "fundinground-unknown-investor": Case("fundinground", {"investors-1-investor": "Nowhere Biotech"}, UNKNOWN_ORG),
    "fundinground-unknown-recipient": Case("fundinground", {"recipient": "Nowhere Biotech"}, UNKNOWN_ORG),
    "fundinground-two-lead-investors": Case(
        "fundinground", {"investors-1-is_lead": "on"}, ("A funding round has at most one lead investor.",)
    ),
    "fundinground-investor-twice": Case(
        "fundinground", {"investors-1-investor": "CICC"}, ("Each investor can appear only once in a round.",)
    ),
    "fundinground-recipient-invests-in-itself": Case(
        "fundinground", {"investors-1-investor": "Teddy Lab Services"}, ("An organisation cannot invest in itself.",)
    ),
    "fundinground-amount-without-currency": Case("fundinground", {"currency": ""}, ("An amount needs its currency.",)),
    "fundinground-bad-currency": Case("fundinground", {"currency": "yuan"}, ("at most 3 characters",)),
    "fundinground-negative-amount": Case("fundinground", {"investors-0-amount": "-5"}, ("greater than or equal to 0",)),
}


def _assert_form_with_message(response, messages):
    assert response.status_code == 200, f"answered {response.status_code}"
    page = text_of(response)
    assert '<form method="post"' in page
    assert any(message in page for message in messages), f"none of {messages} on the page"
    assert 'class="errorlist' in page


@pytest.mark.parametrize("case_id", list(CASES))
def test_bad_input_answers_the_form_with_a_message_and_writes_nothing(login, demo, db_rows, case_id):
    case = CASES[case_id]
    spec = CREATE_FORMS[case.form]
    data = {**spec.payload(demo), **case.changes}
    for name in case.drop:
        data.pop(name, None)
    client = login("staff")
    before = db_rows()

    response = client.post(spec.path, data)

    _assert_form_with_message(response, case.messages)
    assert db_rows() == before


def test_bad_input_keeps_what_was_typed(login, demo):
    data = {**CREATE_FORMS["agreement"].payload(demo), "signed_on": BAD_DAY}
    page = login("staff").post("/agreements/new/", data).content.decode()
    assert 'value="Joint respiratory screening pilot"' in page
    assert f'value="{BAD_DAY}"' in page
    assert 'value="CHIC Health"' in page  # the parties typed stay in their rows


def test_html_in_an_unknown_organisation_name_is_shown_escaped(login, demo):
    data = {**CREATE_FORMS["milestone"].payload(demo), "organization": "<script>alert(1)</script>"}
    response = login("staff").post("/milestones/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_an_organisation_of_another_users_reach_cannot_be_picked_by_id_tampering(login, demo, db_rows):
    """The campus select offers only the user's campuses: another campus's id is refused, not used."""
    hangzhou = demo.campus("icampus-hangzhou")
    data = {**CREATE_FORMS["milestone"].payload(demo), "campus": str(hangzhou.pk)}
    before = db_rows()
    response = login("staff").post("/milestones/new/", data)
    _assert_form_with_message(response, ("Select a valid choice.",))
    assert db_rows() == before


# --- Bad input on the edit forms -----------------------------------------------------------------------

# (record, user, changes to the unchanged form, messages)
EDIT_CASES = {
    "campus-bad-date": (lambda d: d.campus(), "demo", {"opened_on": BAD_DAY}, BAD_DATE),
    "campus-nul-in-date": (lambda d: d.campus(), "demo", {"opened_on": "2019-09\x00-01"}, BAD_DATE + NUL),
    "campus-operational-before-opening": (
        lambda d: d.campus(),
        "demo",
        {"opened_on": "2020-04-01", "operational_on": "2019-09-01"},
        ("A campus cannot be fully operational before it opens.",),
    ),
    "campus-unknown-operator": (
        lambda d: d.campus(),
        "demo",
        {"operators-0-organization": "Nowhere Biotech"},
        UNKNOWN_ORG,
    ),
    "campus-nul-operator": (lambda d: d.campus(), "demo", {"operators-0-organization": "Astra\x00Zeneca"}, NUL),
    "campus-blank-operator": (lambda d: d.campus(), "demo", {"operators-0-organization": ""}, REQUIRED),
    "organization-nul-description": (
        lambda d: d.org("Teddy Lab Services"),
        "resident",
        {"description": "Lab\x00"},
        NUL,
    ),
    "organization-blank-name": (lambda d: d.org("Teddy Lab Services"), "resident", {"name": ""}, REQUIRED),
    "organization-own-parent": (
        lambda d: d.org("Teddy Lab Services"),
        "staff",
        {"parent": "Teddy Lab Services"},
        ("An organisation cannot be its own parent.",),
    ),
    "residency-moved-in-before-signing": (
        lambda d: d.residency("LinkDoc"),
        "staff",
        {"status": "resident", "moved_in_on": "2020-11-01"},  # signed on 2020-11-06
        ("Move-in cannot come before signing.",),
    ),
    "residency-impossible-status-change": (
        lambda d: d.residency("Teddy Lab Services"),
        "staff",
        {"status": "prospect"},
        ("A residency cannot go from Resident to Prospect.",),
    ),
    "agreement-bad-date": (lambda d: d.agreement("companion"), "staff", {"signed_on": BAD_DAY}, BAD_DATE),
    "agreement-unknown-party": (
        lambda d: d.agreement("companion"),
        "staff",
        {"parties-1-organization": "Nowhere Biotech"},
        UNKNOWN_ORG,
    ),
    "event-ends-before-it-starts": (
        lambda d: d.event("Import Expo"),
        "staff",
        {"ends_on": "2020-11-01"},
        ("An event cannot end before it starts.",),
    ),
    "milestone-nul-title": (lambda d: d.milestone("Med Lab opened"), "staff", {"title": "Med\x00"}, NUL),
    "programme-unknown-organisation": (
        lambda d: d.programme(),
        "staff",
        {"organizations-0-organization": "Nowhere Biotech"},
        UNKNOWN_ORG,
    ),
    "target-bad-observation-date": (
        lambda d: d.target(),
        "staff",
        {"observations-0-observed_on": BAD_DAY, "observations-0-value": "10"},
        BAD_DATE,
    ),
    "fundinground-recipient-is-its-investor": (
        lambda d: d.funding_round(),
        "staff",
        {"recipient": "Teddy Lab Services"},
        ("An organisation cannot invest in itself.",),
    ),
    "fundinground-two-lead-investors": (
        lambda d: d.funding_round(),
        "staff",
        {"investors-0-is_lead": "on", "investors-1-investor": "CICC", "investors-1-is_lead": "on"},
        ("A funding round has at most one lead investor.",),
    ),
}


@pytest.mark.parametrize("case_id", list(EDIT_CASES))
def test_bad_input_on_an_edit_form_answers_the_form_and_changes_nothing(login, demo, db_rows, case_id):
    find, username, changes, messages = EDIT_CASES[case_id]
    record = find(demo)
    url = record.get_absolute_url() + "edit/"
    client = login(username)
    data = {**form_payload(client.get(url)), **changes}
    before = db_rows()
    stored = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}

    response = client.post(url, data)

    _assert_form_with_message(response, messages)
    assert db_rows() == before
    record.refresh_from_db()
    assert {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields} == stored


@pytest.mark.parametrize("form", list(CREATE_FORMS))
def test_a_nul_byte_in_any_field_never_fails_and_never_stores_it(login, demo, db_rows, form):
    """Put a NUL byte into each posted value in turn (management forms included): every answer is the form
    with a message, never a server error, and nothing is written. A ticked checkbox is ticked whatever
    its value, so those are left out."""
    spec = CREATE_FORMS[form]
    client = login("staff")
    valid = spec.payload(demo)
    before = db_rows()
    failures = []
    for name, value in valid.items():
        if name.endswith("is_lead"):
            continue
        spoiled = [_with_nul(value[0]), *value[1:]] if isinstance(value, list) else _with_nul(value or "x")
        response = client.post(spec.path, {**valid, name: spoiled})
        if response.status_code != 200 or 'class="errorlist' not in response.content.decode():
            failures.append(f"{name}: {response.status_code}")
    assert failures == []
    assert db_rows() == before


@pytest.mark.parametrize("value", ["abc", "-1", "2\x00", ""])
def test_a_tampered_management_form_answers_with_a_message(login, demo, db_rows, value):
    data = {**CREATE_FORMS["agreement"].payload(demo), "parties-TOTAL_FORMS": value}
    before = db_rows()
    response = login("staff").post("/agreements/new/", data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert db_rows() == before
