"""The signature scheme receivers implement, and the delivery-time address policy."""

from __future__ import annotations

import socket

import pytest

from biocampus.webhooks import conf, sending
from biocampus.webhooks.signing import sign, verify
from biocampus.webhooks.targets import TargetRefused, parse_target_url, resolve

SECRET = "whsec_test"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    body = b'{"event":"agreement.signed"}'
    expected = hmac.new(b"whsec_test", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", body) == f"sha256={expected}"


def test_verification_refuses_old_timestamps_and_garbage():
    body = b"{}"
    signature = sign(SECRET, "1700000000", body)
    assert verify(SECRET, "1700000000", body, signature, now=1700000100)
    assert not verify(SECRET, "1700000000", body, signature, now=1700000000 + 301)
    assert not verify(SECRET, "1700000001", body, signature, now=1700000001)
    assert not verify(SECRET, "soon", body, signature)
    assert not verify(SECRET, "1700000000", body, "", now=1700000000)


def test_the_body_is_compact_sorted_utf8_json():
    assert sending.encode({"b": 1, "a": "上海"}) == '{"a":"上海","b":1}'.encode()


def test_target_parts():
    target = parse_target_url("HTTPS://Example.org:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path) == ("https", "example.org", 8443, "/in?x=1")
    assert parse_target_url("http://example.org").path == "/"


def test_a_name_resolving_to_loopback_is_refused_at_delivery_time(settings, monkeypatch):
    """A public-looking name that resolves inside the network is caught before connecting."""
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

    def fake_getaddrinfo(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(TargetRefused, match="resolves to a private"):
        resolve(parse_target_url("https://innocent.example.org/in"))
    outcome = sending.post(url="https://innocent.example.org/in", body=b"{}", headers={})
    assert outcome.status_code is None and "resolves to a private" in outcome.error


def test_a_public_address_passes_the_policy(settings):
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert resolve(parse_target_url("https://93.184.216.34/in")) == ["93.184.216.34"]


def test_the_private_address_default_follows_the_settings_module(settings, monkeypatch):
    monkeypatch.delenv("BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", raising=False)
    del settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS
    settings.SETTINGS_MODULE = "config.settings.production"
    assert conf.allow_private_targets() is False
    settings.SETTINGS_MODULE = "config.settings.test"
    assert conf.allow_private_targets() is True
    monkeypatch.setenv("BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false")
    assert conf.allow_private_targets() is False


def test_settings_are_checked(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.BIOCAMPUS_WEBHOOKS_BACKOFF = "60, 300"
    assert [d.total_seconds() for d in conf.backoff()] == [60, 300] and conf.max_attempts() == 3
    settings.BIOCAMPUS_WEBHOOKS_BACKOFF = "soon"
    with pytest.raises(ImproperlyConfigured):
        conf.backoff()
    settings.BIOCAMPUS_WEBHOOKS_TIMEOUT = "0"
    with pytest.raises(ImproperlyConfigured):
        conf.timeout_seconds()
    settings.BIOCAMPUS_WEBHOOKS_ALLOW_PRIVATE_TARGETS = "maybe"
    with pytest.raises(ImproperlyConfigured):
        conf.allow_private_targets()
