"""core.sql.JSONRows: a record's children as a JSON column of its own row, in their order, on both databases."""

from __future__ import annotations

import pytest
from django.db.models import F, OuterRef

from biocampus.core.sql import JSONRows
from biocampus.directory.models import Organization, OrganizationIdentifier
from tests.factories import FieldFactory, OrganizationFactory, OrganizationIdentifierFactory

pytestmark = pytest.mark.django_db


def _with_children(**filters):
    identifiers = OrganizationIdentifier.objects.filter(organization_id=OuterRef("pk")).order_by("-value")
    fields = Organization.fields.through.objects.filter(organization_id=OuterRef("pk")).order_by("field__name")
    return (
        Organization.objects.filter(**filters)
        .annotate(
            identifier_rows=JSONRows(identifiers.values("scheme", "value"), columns=("scheme", "value")),
            field_slugs=JSONRows(fields.values(slug=F("field__slug")), columns=("slug",)),
        )
        .values("name", "identifier_rows", "field_slugs")
    )


def test_children_come_as_objects_or_values_in_the_subquerys_order():
    lab = OrganizationFactory(name="Teddy Lab")
    for value in ("A-1", "C-3", "B-2"):
        OrganizationIdentifierFactory(organization=lab, scheme="lei", value=value)
    lab.fields.set([FieldFactory(slug="zoology", name="Zoology"), FieldFactory(slug="anatomy", name="Anatomy")])
    OrganizationFactory(name="Lone Lab")

    rows = {row["name"]: row for row in _with_children(name__in=["Teddy Lab", "Lone Lab"])}

    assert rows["Teddy Lab"]["identifier_rows"] == [
        {"scheme": "lei", "value": "C-3"},
        {"scheme": "lei", "value": "B-2"},
        {"scheme": "lei", "value": "A-1"},
    ]
    assert rows["Teddy Lab"]["field_slugs"] == ["anatomy", "zoology"]
    assert rows["Lone Lab"]["identifier_rows"] == [] and rows["Lone Lab"]["field_slugs"] == []


def test_text_that_looks_like_sql_or_json_comes_back_as_it_was_written():
    lab = OrganizationFactory(name="Quote Lab")
    OrganizationIdentifierFactory(organization=lab, scheme="lei", value="x'); DROP TABLE y; --\"}]")
    (row,) = _with_children(name="Quote Lab")
    assert row["identifier_rows"] == [{"scheme": "lei", "value": "x'); DROP TABLE y; --\"}]"}]


def test_column_names_must_be_plain_names():
    with pytest.raises(ValueError, match="plain column names"):
        JSONRows(OrganizationIdentifier.objects.values("value"), columns=("value') --",))
