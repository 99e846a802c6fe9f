"""Keep a record's child rows (agreement parties, investors, showcases...) equal to a wanted list."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from .services import record_delete, record_save


def sync_children(
    *,
    actor,
    existing: Iterable[models.Model],
    wanted: Iterable[dict],
    key: Callable[[dict], object],
    key_of: Callable[[models.Model], object],
    build: Callable[[dict], models.Model],
    provenance=None,
) -> list[models.Model]:
    """Create, update and delete children so that they match `wanted`, keyed by `key`.

    Each change goes through record_save/record_delete, so every child keeps its own history.
    """
    current = {key_of(child): child for child in existing}
    kept = []
    for values in wanted:
        child = current.pop(key(values), None)
        if child is None:
            child = record_save(build(values), actor=actor, provenance=provenance)
        else:
            changed = False
            for name, value in values.items():
                if getattr(child, name) != value:
                    setattr(child, name, value)
                    changed = True
            if changed:
                record_save(child, actor=actor)
        kept.append(child)
    for child in current.values():
        record_delete(child, actor=actor)
    return kept
