"""Links to records by their public id, for lists that show hundreds of them.

`reverse()` resolves a view name against the URL configuration on every call (about 0.1 ms: a directory
page of 50 organisations spent more on it than on its query). A record's URL differs from another's of the
same view only by its public id, so the URL is reversed once with a placeholder id, per view, script
prefix and URL configuration, and the id is put in its place.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = uuid.UUID(int=0)


@lru_cache(maxsize=256)
def _pattern(viewname: str, prefix: str, urlconf: str) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs={"public_id": _PLACEHOLDER})


def record_url(viewname: str, public_id: uuid.UUID | str) -> str:
    """reverse(viewname, kwargs={"public_id": public_id}), for views whose only argument is the public id."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _pattern(viewname, get_script_prefix(), urlconf).replace(str(_PLACEHOLDER), str(public_id), 1)
