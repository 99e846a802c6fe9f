"""Fixtures of the intake tests: campus A's criteria and a way to submit an application as the public does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from biocampus.intake import services
from biocampus.intake.choices import Stage
from tests.api.conftest import api  # noqa: F401 (the API tests' fixture)

PDF = b"%PDF-1.4\n% a tiny pitch deck\n"


def pdf(name: str = "pitch.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def applicant(**overrides) -> dict:
    values = {
        "company_name": "Helix Diagnostics GmbH",
        "company_name_zh": "",
        "website": "https://helix-dx.example.org",
        "country": "DE",
        "city": "Heidelberg",
        "stage": Stage.CLINICAL,
        "founded_year": 2019,
        "founders": "Anna Becker\nLi Wei",
        "contact_name": "Anna Becker",
        "contact_email": "anna@helix-dx.example.org",
        "contact_phone": "+49 6221 000000",
        "summary": "Liquid biopsy tests for early lung cancer detection.",
        "needs": ["lab_space", "certification"],
        "needs_detail": "A BSL-2 lab of about 200 m².",
    }
    values.update(overrides)
    return values


@pytest.fixture
def criteria(campus_a):
    """Campus A judges on merit (weight 3) and fit (weight 1)."""
    merit = services.criterion_create(actor=None, campus=campus_a, name="Scientific merit", weight=3, position=1)
    fit = services.criterion_create(actor=None, campus=campus_a, name="Fit with the campus", weight=1, position=2)
    return [merit, fit]


@pytest.fixture
def submit(campus_a):
    """`submit(**overrides)`: an application to campus A from the public form (as the system)."""

    def make(campus=None, **overrides):
        fields = overrides.pop("fields", ())
        attachments = overrides.pop("attachments", ())
        return services.application_submit(
            campus=campus or campus_a,
            fields=fields,
            attachments=attachments,
            ip_address=overrides.pop("ip_address", "203.0.113.7"),
            language=overrides.pop("language", "en"),
            **applicant(**overrides),
        )

    return make


@pytest.fixture
def application(submit, users):
    return submit()
