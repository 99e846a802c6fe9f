"""docs/webhooks.md stays true: its receiver's verification accepts a real delivery and refuses tampering."""

from __future__ import annotations

import re
from pathlib import Path

from biocampus.webhooks import services

from .conftest import run_due_tasks

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _receiver_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    [code] = [block for block in blocks if "def verified(" in block]
    return code


def test_the_documented_receiver_verifies_a_real_delivery(hook_a, receiver, admin_a):
    namespace = {"__name__": "documented_receiver"}
    exec(compile(_receiver_code(), str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    verified = namespace["verified"]

    services.webhook_send_test(actor=admin_a, webhook=hook_a)
    run_due_tasks()
    [received] = receiver.requests
    timestamp, signature = received.headers["X-BioCampus-Timestamp"], received.headers["X-BioCampus-Signature"]

    assert verified(hook_a.secret, timestamp, received.body, signature)
    assert not verified(hook_a.secret, timestamp, received.body.replace(b"webhook.test", b"webhook.fake"), signature)
    assert not verified("whsec_someone_else", timestamp, received.body, signature)
    assert not verified(hook_a.secret, str(int(timestamp) - 3600), received.body, signature)
    assert not verified(hook_a.secret, "yesterday", received.body, signature)


def test_the_documented_events_are_the_published_ones():
    from biocampus.core.events import EVENT_TYPES

    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", DOC.read_text(), flags=re.MULTILINE))
    assert documented == set(EVENT_TYPES) | {"webhook.test"}
