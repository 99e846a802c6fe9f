"""A laptop or the demo campus: SQLite under var/, a secret key kept in var/, demo data allowed."""

import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_list


def _local_secret_key() -> str:
    # Generated once per checkout and kept out of git, so no secret is ever committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
BIOCAMPUS_ALLOW_DEMO = True
# Static files straight from the source folders: no collectstatic step on a laptop.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
