"""The test suite: the database comes from the environment (SQLite by default, PostgreSQL when PG* is set)."""

import os
import tempfile
from pathlib import Path

from .local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; test users only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True

# SQLite's test database is a file, not Django's default in-memory one: with an in-memory database the
# browser tests' live server shares the test thread's connection across threads, and a statement calling
# back into Python (Django's date functions) on one thread while the other holds the GIL and waits on
# SQLite's connection mutex deadlocks the run (seen once in CI). With a file each thread has its own
# connection. One file per process, so that two runs in one checkout do not share it; it is no slower.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(  # noqa: F405
        Path(tempfile.gettempdir()) / f"biocampus-test-{os.getpid()}.sqlite3"
    )
