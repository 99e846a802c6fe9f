"""What the import and export commands share: the progress bar, and looking up --campus and --user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm

from .bulk import STAGE_LABELS


class _Bar(tqdm):
    # No monitor thread (it only wakes bars whose updates stalled): a process with another thread checks a
    # bulk import's rows itself instead of forking (bulk_rows.can_fork).
    monitor_interval = 0


class ProgressBar:
    """A tqdm bar driven by `bar(done, total)` calls, the shape every importer reports progress in."""

    def __init__(self, stream, desc: str):
        self._stream = stream
        self._desc = desc
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int, stage: str | None = None) -> None:
        if self._bar is None:
            self._bar = _Bar(total=total, desc=self._desc, unit="row", file=self._stream, mininterval=0.2)
        elif self._bar.total != total:
            self._bar.reset(total=total)
        self._bar.update(done - self._bar.n)
        # After the last row, what the bar (standing full) waits for; cleared by the next count.
        self._bar.set_postfix_str(str(STAGE_LABELS.get(stage, stage)) if stage else "", refresh=bool(stage))

    def set_description(self, desc: str) -> None:
        self._desc = desc
        if self._bar is not None:
            self._bar.set_description(desc, refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@contextmanager
def progress_bar(stderr, desc: str) -> Iterator[ProgressBar]:
    # tqdm redraws with carriage returns: it writes to the raw stream, not through Django's OutputWrapper,
    # which would end every redraw with a newline.
    stream = getattr(stderr, "_out", stderr)
    bar = ProgressBar(stream, desc)
    try:
        yield bar
    finally:
        bar.close()


def campus_named(slug: str):
    from biocampus.campuses.models import Campus

    campus = Campus.objects.filter(slug=slug).first()
    if campus is None:
        slugs = ", ".join(Campus.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No campus {slug!r}; campuses: {slugs}.", returncode=2)
    return campus


def actor_named(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.", returncode=2)
    return user
