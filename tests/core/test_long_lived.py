"""A web process freezes what its first request built (core.long_lived), so that full garbage collections
skip it; what later requests make is still collected."""

import gc
import weakref

import pytest

from biocampus.core import long_lived

pytestmark = pytest.mark.django_db


class _Cycle:
    def __init__(self):
        self.me = self


def test_the_first_request_freezes_what_is_alive_and_later_garbage_is_still_collected(client):
    gc.unfreeze()  # as in a new process (an earlier test's request may have frozen this one's objects)
    long_lived.install()
    assert gc.get_freeze_count() == 0
    assert client.get("/accounts/login/").status_code == 200
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    client.get("/accounts/login/")
    assert gc.get_freeze_count() <= frozen  # once a process, not at every request (frozen objects can still be freed)
    garbage = _Cycle()
    gone = weakref.ref(garbage)
    del garbage
    gc.collect()
    assert gone() is None
