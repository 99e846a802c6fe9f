"""The API client fixture of tests/api, for the events API tests here."""

from tests.api.conftest import api  # noqa: F401 - a fixture, used by name
