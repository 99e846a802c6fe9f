"""The progress part of the demo campus (issue 4, campus operations). Filled in by its owner."""

from __future__ import annotations

from django.db import models

# Models whose rows a demo load writes here, for the load's report and its idempotency test.
COUNTED_MODELS: list[type[models.Model]] = []


def load(ctx) -> None:
    """Create whatever of this part is missing. `ctx` is demo.seed._Context (actor, provenance, fields,
    orgs by the names in demo/seed.py, campuses by slug, events by name, agreements by title); the demo users exist."""
