"""Settings for benchmarks: the local settings as a deployment would run them (DEBUG off, no autorefresh of
static files), plus a URL configuration with the bench-only peers (an admin site, a bare JSON view).
The database comes from DATABASE_URL (or PG*), which `bench.run` sets to the generated data set."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
WHITENOISE_AUTOREFRESH = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Bench users log in through force_login or a token: no password is hashed on a timed path.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

# The product's own SQLite options (config/settings/base.py) when DATABASE_URL names a SQLite file, which
# dj-database-url would otherwise open without them: WAL, so readers never wait for a writer.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
