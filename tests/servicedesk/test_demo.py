"""The service desk of the demo campus: the story's three centres, their catalogues, requests in every state."""

from __future__ import annotations

import pytest
from django.db import transaction

from biocampus.demo import seed
from biocampus.servicedesk.choices import RequestStatus
from biocampus.servicedesk.models import Service, ServiceCentre, ServiceRequest, ServiceRequestComment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.load()
        transaction.set_rollback(True)


def test_the_three_centres_of_the_story_at_icampus_wuxi(demo):
    centres = ServiceCentre.objects.filter(campus__slug="icampus-wuxi")
    assert set(centres.values_list("name", flat=True)) == {
        "CCHRPP Wuxi Medical Research and Certification Center",
        "Wuxi Foreign Affairs Office Service Center",
        "Medical Bidding and Procurement Workstation",
    }
    for centre in centres:
        assert centre.operator is not None
        assert centre.services.count() >= 2
        assert centre.target_response_hours > 0
    assert Service.objects.get(name="GLP lab qualification").effective_response_hours == 120
    assert Service.objects.get(name="Medical device registration testing").effective_response_hours == 72


def test_requests_in_several_statuses_one_overdue_with_a_conversation(demo):
    requests = ServiceRequest.objects.with_deadlines()
    assert 4 <= requests.count() <= 6
    statuses = set(requests.values_list("status", flat=True))
    assert {RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.DONE, RequestStatus.DECLINED} <= statuses
    overdue = requests.filter(is_overdue=True)
    assert [r.subject for r in overdue] == ["Registration testing of the respiratory screening device"]
    teddy = requests.filter(organization__name="Teddy Lab Services", requested_by__username="resident")
    assert teddy.count() >= 3
    permit = requests.get(subject="Work permit for our new lab director")
    # The resident's answer put the request back in progress; an internal note stays in the conversation.
    assert permit.status == RequestStatus.IN_PROGRESS
    assert permit.comments.filter(is_internal=True).exists()
    assert permit.comments.filter(author__username="resident").exists()
    assert permit.answered_in_time is True
    assert requests.get(subject="GLP pre-assessment of the Wuxi Med Lab").closed_at is not None


def test_everything_has_the_demo_provenance(demo):
    provenance = ServiceCentre.objects.first().provenance
    for model in (ServiceCentre, Service, ServiceRequest, ServiceRequestComment):
        assert set(model.objects.values_list("provenance_id", flat=True)) == {provenance.pk}, model


def test_loading_twice_creates_nothing(demo):
    before = {model: model.objects.count() for model in seed_models()}
    history_before = ServiceRequest.history.count()
    created = seed.load()
    assert all(created[str(model._meta.verbose_name_plural)] == 0 for model in seed_models())
    assert {model: model.objects.count() for model in seed_models()} == before
    assert ServiceRequest.history.count() == history_before


def seed_models():
    return (ServiceCentre, Service, ServiceRequest, ServiceRequestComment)
