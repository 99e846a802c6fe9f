"""Webhook settings, read when used (so tests and operators can change them without a restart of the code).

Each value comes from a Django setting if the settings module defines it, otherwise from the environment,
otherwise from the default below. None of them needs an edit of config/settings/*.

- BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS (true/false): whether a webhook may point at a loopback,
  private, link-local or otherwise non-public address. Default: refused under config.settings.production
  (a webhook must not become a way to probe the internal network), allowed elsewhere (a laptop, the tests
  and the demo deliver to receivers on 127.0.0.1).
- BIOCAMPUS_WEBHOOKS_TIMEOUT (seconds, default 5): how long one network operation of a delivery may take.
- BIOCAMPUS_WEBHOOKS_BACKOFF (comma-separated seconds, default 60,300,1800,7200,43200): the waits before
  each retry; after the last one fails the delivery gives up. So a delivery gets 1 + len(backoff) attempts.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_BACKOFF_SECONDS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60)  # 1 min, 5 min, 30 min, 2 h, 12 h
# A receiver's answer is kept (for the delivery log) up to this many characters; more is not even read.
RESPONSE_EXCERPT_CHARS = 1000
RESPONSE_READ_LIMIT_BYTES = 64 * 1024


def _raw(name: str) -> object:
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name) or None


def _bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def allow_private_targets() -> bool:
    name = "BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS"
    value = _raw(name)
    if value is None:
        return not str(getattr(settings, "SETTINGS_MODULE", "")).endswith(".production")
    return _bool(name, value)


def timeout_seconds() -> float:
    name = "BIOCAMPUS_WEBHOOKS_TIMEOUT"
    value = _raw(name)
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}") from error
    if not 0 < seconds <= 60:
        raise ImproperlyConfigured(f"{name} must be between 0 and 60 seconds, not {value!r}")
    return seconds


def backoff() -> tuple[timedelta, ...]:
    """The wait before retry 1, 2, ...: its length is the number of retries after the first attempt."""
    name = "BIOCAMPUS_WEBHOOKS_BACKOFF"
    value = _raw(name)
    if value is None:
        seconds = DEFAULT_BACKOFF_SECONDS
    else:
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        try:
            seconds = tuple(int(str(item).strip()) for item in items if str(item).strip())
        except ValueError as error:
            raise ImproperlyConfigured(f"{name} must list whole seconds, like 60,300,1800") from error
        if any(s <= 0 for s in seconds):
            raise ImproperlyConfigured(f"{name} must list positive numbers of seconds")
    return tuple(timedelta(seconds=s) for s in seconds)


def max_attempts() -> int:
    return 1 + len(backoff())
