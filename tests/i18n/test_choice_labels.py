"""Choice labels (`get_<field>_display`) are looked up in a table made once per field, and still shown in the
language of each request: the table keeps the labels untranslated until they are shown."""

from __future__ import annotations

from django.utils import translation

from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization


def test_a_label_follows_the_language_it_is_shown_in():
    organization = Organization(kind=OrganizationKind.PHARMA)
    with translation.override("en"):
        english = organization.get_kind_display()  # the table is made here, in English
    with translation.override("zh-hans"):
        chinese = organization.get_kind_display()
        expected = str(OrganizationKind.PHARMA.label)
    assert english == "Pharma"
    assert chinese == expected and chinese != english


def test_every_choice_shows_its_own_label_and_an_unknown_value_itself():
    with translation.override("en"):
        for status in ResidencyStatus:
            assert Residency(status=status.value).get_status_display() == str(status.label)
        assert Organization(kind="no-such-kind").get_kind_display() == "no-such-kind"
