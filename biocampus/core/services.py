"""Helpers every app's services use: provenance, validated saves with history, child-row syncing."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from .choices import ProvenanceMethod
from .models import Provenance
from .text import clean_text


def provenance_create(
    *,
    actor=None,
    method: str = ProvenanceMethod.MANUAL,
    file_name: str = "",
    document=None,
    excerpt: str = "",
    note: str = "",
) -> Provenance:
    provenance = Provenance(
        method=method,
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name,
        document=document,
        excerpt=excerpt,
        note=note,
    )
    provenance.full_clean()
    provenance.save()
    return provenance


def record_save(instance: models.Model, *, actor=None, provenance: Provenance | None = None, reason: str = ""):
    """Validate and save one record, attributing the history entry to `actor`.

    A new record without a provenance is taken to be typed in by `actor`. Text fields are cleaned
    (NUL bytes and control characters refused, surrounding blanks trimmed) before validation.
    """
    _clean_text_fields(instance)
    if instance.provenance_id is None:
        instance.provenance = provenance or provenance_create(actor=actor)
    instance.full_clean()
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


def record_delete(instance: models.Model, *, actor=None, reason: str = "") -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        instance._change_reason = reason
    instance.delete()


def apply_changes(instance: models.Model, changes: dict) -> bool:
    """Set the given fields; return whether anything changed (so unchanged saves leave no history).

    Text is cleaned before the comparison, so " Teddy Lab " over "Teddy Lab" is no change.
    """
    changed = False
    errors = {}
    for name, value in changes.items():
        if isinstance(value, str):
            try:
                value = clean_text(value)
            except ValidationError as error:
                errors[name] = error.messages
                continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if errors:
        raise ValidationError(errors)
    return changed


def _clean_text_fields(instance: models.Model) -> None:
    errors = {}
    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices:
            value = getattr(instance, model_field.attname)
            if isinstance(value, str):
                try:
                    setattr(instance, model_field.attname, clean_text(value))
                except ValidationError as error:
                    errors[model_field.name] = error.messages
    if errors:
        raise ValidationError(errors)


def unique_in_order(values: Iterable, key=None) -> list:
    seen, result = set(), []
    for value in values:
        marker = key(value) if key else value
        if marker not in seen:
            seen.add(marker)
            result.append(value)
    return result
