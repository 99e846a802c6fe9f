"""Record links made from a cached pattern (core.urls.record_url) are exactly what reverse() gives, under any
script prefix (a deployment below /biocampus/) and for every record's view."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse, set_script_prefix

from biocampus.core.urls import record_url

VIEWS = [
    "directory:organization_detail",
    "directory:person_detail",
    "progress:target_detail",
    "agreements:agreement_detail",
]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("viewname", VIEWS)
def test_a_record_url_is_what_reverse_gives(viewname):
    for public_id in (uuid.uuid4(), uuid.uuid4(), str(uuid.uuid4())):
        assert record_url(viewname, public_id) == reverse(viewname, kwargs={"public_id": public_id})


def test_a_record_url_follows_the_script_prefix(script_prefix):
    public_id = uuid.uuid4()
    at_root = record_url("directory:organization_detail", public_id)
    script_prefix("/biocampus/")
    below = record_url("directory:organization_detail", public_id)
    assert below == reverse("directory:organization_detail", kwargs={"public_id": public_id})
    assert below == "/biocampus" + at_root
