"""The OpenAPI document and the docs page: public, complete, and honest about auth and errors."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "patch", "put", "delete"}


@pytest.fixture
def document():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_document_is_public_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "BioCampus API"
    assert {"TokenAuth", "SessionAuth"} <= set(document["components"]["securitySchemes"])


def test_every_entity_has_its_operations(document):
    paths = document["paths"]
    for collection in (
        "organizations",
        "people",
        "residencies",
        "agreements",
        "events",
        "milestones",
        "funding-rounds",
        "programmes",
        "targets",
        "leads",
        "exchange-rates",
    ):
        assert {"get", "post"} <= set(paths[f"/api/v1/{collection}"]), collection
        assert {"get", "patch", "delete"} <= set(paths[f"/api/v1/{collection}/{{public_id}}"]), collection
    # Kept as the campus's record: changed, never deleted.
    for collection in ("applications", "service-requests", "service-centres", "intake-criteria"):
        assert {"get", "post"} <= set(paths[f"/api/v1/{collection}"]), collection
        assert "delete" not in paths[f"/api/v1/{collection}/{{public_id}}"], collection
    assert {"get", "patch"} == set(paths["/api/v1/campuses/{public_id}"])
    assert "post" in paths["/api/v1/organizations/{public_id}/identifiers"]
    assert "post" in paths["/api/v1/events/{public_id}/participations"]
    assert "post" in paths["/api/v1/targets/{public_id}/observations"]


def test_every_operation_needs_auth_and_documents_its_errors(document):
    for path, method, operation in _operations(document):
        assert operation.get("security"), (method, path)
        responses = operation["responses"]
        assert "401" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
        if method in {"patch", "delete"} and "{public_id}" in path and "/tokens/" not in path:
            assert "412" in responses, (method, path)
            assert any(parameter["name"] == "If-Match" for parameter in operation["parameters"]), (method, path)


def test_lists_are_cursor_paginated_with_a_bounded_limit(document):
    for path, method, operation in _operations(document):
        names = {parameter["name"]: parameter for parameter in operation.get("parameters", [])}
        if method == "get" and "cursor" in names:
            assert names["limit"]["schema"]["maximum"] == 200, path
            assert "search" in names or path.endswith("/deliveries"), path


def test_ids_are_uuids_never_database_keys(document):
    for name, schema in document["components"]["schemas"].items():
        identifier = schema.get("properties", {}).get("id")
        if identifier is not None:
            assert identifier.get("format") == "uuid", name


def _strings(rules: dict):
    """The string schemas in `rules`, looking into arrays and nullable alternatives."""
    if any(alternative.get("type") == "number" for alternative in rules.get("anyOf", [])):
        return  # a decimal, sent as a number or a numeric string: parsed, not stored as text
    if rules.get("type") == "string":
        yield rules
    for nested in ([rules["items"]] if "items" in rules else []) + rules.get("anyOf", []):
        yield from _strings(nested)


def test_request_text_fields_have_lengths_and_refuse_nul(document):
    for name, schema in document["components"]["schemas"].items():
        if not name.endswith(("In", "Create", "Patch")):
            continue
        for field, rules in schema.get("properties", {}).items():
            for text in _strings(rules):
                if "enum" in text or "format" in text:
                    continue
                assert "pattern" in text, (name, field)
                assert re.fullmatch(text["pattern"], "a\x00b") is None, (name, field)
                assert "maxLength" in text or "{" in text["pattern"], (name, field)


def test_the_docs_page_is_public_and_needs_no_cdn():
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "/api/v1/openapi.json" in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        assert Client().get(f"/api/v1/docs/assets/{asset}").status_code == 200
    assert Client().get("/api/v1/docs/assets/settings.py").status_code == 404
