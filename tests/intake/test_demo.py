"""The demo campus shows the intake: criteria, applications at every step, and Bestudy accepted without a
second Bestudy in the registry."""

from __future__ import annotations

import pytest

from biocampus.campuses.choices import ResidencyStatus
from biocampus.demo import seed
from biocampus.directory.models import Organization
from biocampus.intake.choices import ApplicationStatus
from biocampus.intake.models import Application, IntakeCriterion, Review
from tests.demo.conftest import demo  # noqa: F401 (the demo, loaded once for the module)

pytestmark = pytest.mark.django_db


def test_the_demo_has_criteria_and_applications_at_every_step(demo):  # noqa: F811
    assert IntakeCriterion.objects.filter(campus__slug="icampus-wuxi").count() == 5
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.WAITING,
            ApplicationStatus.DECLINED, ApplicationStatus.ACCEPTED} <= statuses  # fmt: skip
    assert Review.objects.filter(reviewer__username="demo").exists()
    assert Review.objects.filter(reviewer__username="staff").exists()
    waiting = Application.objects.get(status=ApplicationStatus.WAITING)
    assert waiting.language == "zh-hans" and waiting.decisions.count() == 1


def test_bestudy_is_accepted_without_a_duplicate(demo):  # noqa: F811
    assert Organization.objects.filter(name__icontains="bestudy").count() == 1
    application = Application.objects.get(company_name="Bestudy")
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.organization.name == "Bestudy"
    assert application.residency.status == ResidencyStatus.SIGNED
    assert application.residency.signed_at is not None  # the CIIE signing, untouched


def test_a_second_load_creates_nothing(demo):  # noqa: F811
    created = seed.load()
    assert all(count == 0 for count in created.values()), created
