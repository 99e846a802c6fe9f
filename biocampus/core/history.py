"""Reading the change history that django-simple-history keeps: who changed what, when, from what to what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    subject: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


def _display(model: type[models.Model], field_name: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        model_field = model._meta.get_field(field_name)
    except Exception:  # m2m deltas and removed fields  # noqa: BLE001
        model_field = None
    if model_field is not None and model_field.many_to_many and isinstance(value, list):
        return _display_m2m(model_field, value)
    if model_field is not None:
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if model_field.is_relation and model_field.related_model is not None and not isinstance(value, list):
            related = model_field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related else f"#{value}"
    if isinstance(value, list):
        return ", ".join(_display_item(item) for item in value) or "—"
    return str(value)


def _display_m2m(model_field, rows: list) -> str:
    """simple-history stores m2m rows as {source: id, target: id}; show the targets by name."""
    target = model_field.related_model
    key = target._meta.model_name
    if model_field.remote_field.model == model_field.model:  # a self-referencing m2m (sister campuses)
        key = f"to_{key}"
    ids = [row.get(key) for row in rows if isinstance(row, dict)]
    names = {obj.pk: str(obj) for obj in target._default_manager.filter(pk__in=[i for i in ids if i])}
    return ", ".join(sorted(names.get(i, f"#{i}") for i in ids)) or "—"


def _display_item(item) -> str:
    if isinstance(item, dict):  # an m2m row: show the related object, not the through-table ids
        return ", ".join(str(v) for k, v in item.items() if k not in ("id", "m2m_history_id", "history"))
    return str(item)


def _entries_of(history_queryset, model, subject_of) -> list[HistoryEntry]:
    entries = []
    for record in history_queryset.select_related("history_user").order_by("-history_date", "-history_id"):
        changes = []
        if record.history_type == "~":
            previous = record.prev_record
            if previous is not None:
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                for change in delta.changes:
                    try:
                        label = str(model._meta.get_field(change.field).verbose_name)
                    except Exception:  # noqa: BLE001
                        label = change.field
                    changes.append(
                        Change(
                            label, _display(model, change.field, change.old), _display(model, change.field, change.new)
                        )
                    )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user_id else str(_("system")),
                action=record.history_type,
                subject=subject_of(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def history_for(obj: models.Model, *, children: tuple[tuple[type[models.Model], str], ...] = ()) -> list[HistoryEntry]:
    """The record's own history and that of its child rows (parties, investors...), newest first.

    `children` names (child model, foreign key to obj) pairs; deleted children still show, since their
    history rows outlive them.
    """
    model = type(obj)
    entries = _entries_of(obj.history.all(), model, lambda record: str(model._meta.verbose_name))
    for child_model, fk_name in children:
        history = child_model.history.filter(**{f"{fk_name}_id": obj.pk})
        entries += _entries_of(
            history, child_model, lambda record, m=child_model: f"{m._meta.verbose_name}: {record.instance}"
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
