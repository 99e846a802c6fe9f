"""Leave no language active behind a test.

LocaleMiddleware activates the request's language for the thread and never deactivates it, so after a
request in Chinese every later gettext of the same test process (a service's ValidationError in the next
module, say) would answer in Chinese too.
"""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.deactivate()
