"""Short full garbage collections in a web process: what the first request builds is frozen.

A web process holds a couple of hundred thousand long-lived Python objects once it has served its first
request: the modules, the URL resolver, the compiled templates, the translation catalogues, the prepared
queries. Python's full (oldest-generation) collection walks every one of them each time it runs, which a
busy page triggers every few requests: at 1,000,000 organisations the network-wide dashboard paid 115 ms
every eighth request for it (measured in docs/benchmarks.md, P3), doubling that page's 95th percentile.

`gc.freeze()` moves every object alive at that moment out of the collector's sight for good (the technique
of the Python documentation for gc.freeze and of large Django deployments). It runs once, after the
process's first request, with what that request built; what later requests make is collected as before.
Garbage is collected first, so that nothing unreachable is frozen.
"""

import gc

from django.core.signals import request_finished

_DISPATCH_UID = "biocampus.core.long_lived.freeze"


def install() -> None:
    """Freeze the long-lived objects after the next request (CoreConfig.ready calls it once a process)."""
    request_finished.connect(_freeze_after_first_request, dispatch_uid=_DISPATCH_UID)


def _freeze_after_first_request(**_kwargs) -> None:
    request_finished.disconnect(dispatch_uid=_DISPATCH_UID)
    gc.collect()
    gc.freeze()
