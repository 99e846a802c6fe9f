"""Shared building blocks: the provenance of a record and the abstract base every domain record uses.

No domain models live here.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from .choices import DatePrecision, ProvenanceMethod

# field -> {stored value: its label (lazily translated)}; choices are fixed when the models load.
_CHOICE_LABELS: dict[models.Field, dict] = {}


class ChoiceLabels(models.Model):
    """`get_<field>_display()` without rebuilding the field's choices on every call.

    Django's version makes a dict of every choice on each call, hashing each lazily translated label, which
    translates it: a gettext per choice, 1 ms for the twelve kinds of an organisation, 50 times on a
    directory page. Here the dict is made once per field and keeps the labels lazy, so each is translated
    when shown, in the language of the request."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS[field] = dict(field.flatchoices)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class Provenance(ChoiceLabels):
    """Where records came from: typed in by a person, imported from a file, or extracted from a sentence.

    One row can stand behind many records (every row of one import file shares it), so it is cheap
    even for bulk writes.
    """

    method = models.CharField(_("method"), max_length=16, choices=ProvenanceMethod.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    document = models.ForeignKey(
        "intelligence.SourceDocument",
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provenances",
    )
    excerpt = models.TextField(_("source sentence"), blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        constraints = [
            models.CheckConstraint(
                name="provenance_import_names_file",
                condition=~models.Q(method="import") | ~models.Q(file_name=""),
                violation_error_message=_("An import must name the file it came from."),
            ),
            models.CheckConstraint(
                name="provenance_extraction_names_document",
                condition=~models.Q(method="extraction") | models.Q(document__isnull=False),
                violation_error_message=_("An extraction must name its source document."),
            ),
        ]

    def __str__(self) -> str:
        if self.method == ProvenanceMethod.IMPORT:
            return _("imported from %(file)s") % {"file": self.file_name}
        if self.method == ProvenanceMethod.EXTRACTION:
            return _("extracted from %(doc)s") % {"doc": self.document}
        if self.method == ProvenanceMethod.MANUAL and self.entered_by_id:
            return _("entered by %(user)s") % {"user": self.entered_by}
        return self.get_method_display()


class RecordModel(ChoiceLabels):
    """Abstract base of every domain record: a public id for URLs and the API, timestamps, provenance."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    provenance = models.ForeignKey(
        Provenance, verbose_name=_("provenance"), on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        abstract = True


def precision_field(verbose_name=None):
    return models.CharField(
        verbose_name or _("date precision"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
