"""Who reads what: the catalogue by everyone with a role at the campus, requests by the campus's team and
viewers, a resident member only its own organisation's, internal notes never by residents."""

from __future__ import annotations

import pytest

from biocampus.servicedesk import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(open_request, users, neighbour_org):
    own = open_request(actor=users.resident_member, subject="Ours")
    services.request_comment(actor=users.campus_staff, request=own, body="We are on it.")
    services.request_comment(actor=users.campus_staff, request=own, body="Internal: slow bureau.", is_internal=True)
    other = open_request(actor=users.campus_staff, organization=neighbour_org, subject="The neighbour's")
    return own, other


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("campus_admin", True),
        ("campus_staff", True),
        ("resident_member", True),
        ("partner", True),
        ("government", True),
        ("resident_b", False),
        ("no_membership", False),
        ("superuser", True),
    ],
)
def test_the_catalogue_is_read_by_everyone_with_a_role_at_the_campus(centre, users, role, sees):
    user = getattr(users, role)
    assert selectors.centres_for(user).filter(pk=centre.pk).exists() is sees
    assert selectors.services_for(user).filter(centre=centre).exists() is sees


@pytest.mark.parametrize(
    ("role", "subjects"),
    [
        ("campus_admin", {"Ours", "The neighbour's"}),
        ("campus_staff", {"Ours", "The neighbour's"}),
        ("partner", {"Ours", "The neighbour's"}),
        ("government", {"Ours", "The neighbour's"}),
        ("superuser", {"Ours", "The neighbour's"}),
        ("resident_member", {"Ours"}),
        ("resident_b", set()),
        ("no_membership", set()),
    ],
)
def test_requests_each_role_reads(conversation, users, role, subjects):
    found = selectors.requests_for(getattr(users, role))
    assert set(found.values_list("subject", flat=True)) == subjects


def test_internal_notes_stay_with_the_team(conversation, users):
    own, _other = conversation
    assert [c.body for c in selectors.comments_for(users.resident_member, own)] == ["We are on it."]
    assert len(selectors.comments_for(users.campus_staff, own)) == 2
    detail = selectors.request_detail_for(users.resident_member).get(pk=own.pk)
    assert [c.body for c in detail.visible_comments] == ["We are on it."]


def test_counts_per_status_and_the_overdue_badge(open_request, users):
    open_request(actor=users.campus_staff, days_ago=5, subject="Old and unanswered")
    open_request(actor=users.resident_member, subject="Fresh")
    found = selectors.requests_for(users.campus_staff)
    assert selectors.status_counts(found)["new"] == 2
    assert selectors.overdue_count(users.campus_staff) == 1
    assert selectors.overdue_count(users.resident_b) == 0
    assert [r.subject for r in selectors.requests_for(users.campus_staff, overdue=True)] == ["Old and unanswered"]


def test_the_team_and_the_residents_one_may_request_for(campus_a, users, resident_org, neighbour_org):
    assert set(selectors.team_of(campus_a)) == {users.campus_admin, users.campus_staff}
    assert set(selectors.requesting_organizations(users.campus_staff, campus_a)) == {resident_org, neighbour_org}
    assert list(selectors.requesting_organizations(users.resident_member, campus_a)) == [resident_org]
