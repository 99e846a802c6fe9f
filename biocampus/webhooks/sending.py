"""Sending one signed POST: no redirects followed, a timeout on every network operation, and a connection
to exactly the address that targets.resolve() checked."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils import timezone

from . import conf
from .signing import sign
from .targets import TargetRefused, parse_target_url, resolve

USER_AGENT = "BioCampus-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    started_at: object  # aware datetime
    duration_ms: int
    status_code: int | None = None
    error: str = ""
    response_excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(*, secret: str, event: str, delivery_id: str, attempt: int, body: bytes, timestamp: str):
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-BioCampus-Event": event,
        "X-BioCampus-Delivery": delivery_id,
        "X-BioCampus-Attempt": str(attempt),
        "X-BioCampus-Timestamp": timestamp,
        "X-BioCampus-Signature": sign(secret, timestamp, body),
    }


class _PinnedConnectionMixin:
    """Connect to a pre-resolved address while the Host header and TLS name stay the URL's host."""

    pinned_address: str

    def _create_connection(self, address, timeout, source_address=None):  # http.client calls this
        return socket.create_connection((self.pinned_address, address[1]), timeout, source_address)


class _PinnedHTTPConnection(_PinnedConnectionMixin, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, http.client.HTTPSConnection):
    pass


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started_at = timezone.now()
    clock = time.monotonic()

    def done(**values) -> Outcome:
        return Outcome(started_at=started_at, duration_ms=int((time.monotonic() - clock) * 1000), **values)

    try:
        target = parse_target_url(url)
        addresses = resolve(target)
    except TargetRefused as refused:
        return done(error=str(refused))
    except Exception as invalid:  # a URL saved before a policy change  # noqa: BLE001
        return done(error=" ".join(getattr(invalid, "messages", [str(invalid)])))
    last_error = ""
    for address in addresses:
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(
                target.host, target.port, timeout=conf.timeout_seconds(), context=ssl.create_default_context()
            )
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, timeout=conf.timeout_seconds())
        connection.pinned_address = address
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            excerpt = response.read(conf.RESPONSE_READ_LIMIT_BYTES)
            text = excerpt.decode("utf-8", "replace").replace("\x00", "")[: conf.RESPONSE_EXCERPT_CHARS]
            error = ""
            if 300 <= response.status < 400:
                error = f"Redirect to {response.getheader('Location', '?')} not followed."
            elif not 200 <= response.status < 300:
                error = f"The receiver answered {response.status} {response.reason}."
            return done(status_code=response.status, error=error, response_excerpt=text)
        except (OSError, http.client.HTTPException) as failure:
            # Connection refused, timeout, TLS error, a malformed answer: try the next address, if any.
            last_error = _describe(failure)
        finally:
            connection.close()
    return done(error=last_error)


def _describe(failure: BaseException) -> str:
    if isinstance(failure, TimeoutError | socket.timeout):
        return f"Timed out after {conf.timeout_seconds():g} s."
    if isinstance(failure, ssl.SSLError):
        return f"TLS error: {failure}"
    if isinstance(failure, ConnectionRefusedError):
        return "Connection refused."
    return f"{type(failure).__name__}: {failure}"
