"""Fixtures of the progress tests: uploads go to a temporary folder; the API clients of tests/api."""

from __future__ import annotations

import pytest

from tests.api.conftest import api, assert_error  # noqa: F401 (fixtures and a helper shared with the API tests)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
