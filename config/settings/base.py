"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BIOCAMPUS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_env(default_sqlite_path: Path) -> dict:
    """DATABASE_URL wins; otherwise PGDATABASE (and the other PG* variables) select PostgreSQL;
    otherwise the embedded SQLite file."""
    if os.environ.get("DATABASE_URL"):
        config = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    elif os.environ.get("PGDATABASE"):
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["PGDATABASE"],
            "USER": os.environ.get("PGUSER", ""),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "HOST": os.environ.get("PGHOST", ""),
            "PORT": os.environ.get("PGPORT", ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    else:
        default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # WAL lets readers go on while one writer commits; IMMEDIATE avoids
            # "database is locked" on lock upgrades inside service transactions.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    if config["ENGINE"].endswith("postgresql") and env_bool("PGBOUNCER", False):
        # Behind pgbouncer in transaction mode a named cursor's next fetch may reach another server
        # connection ("cursor does not exist"): stream with client-side cursors instead.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif config["ENGINE"].endswith("postgresql") and not env_bool("PG_JIT", False):
        # PostgreSQL compiles a query whose estimated cost passes jit_above_cost before running it; the KPI
        # query judging every running target (its subqueries estimated as if each ran) spent 138 of its
        # 167 ms compiling at 1,000,000 organisations. Off for BioCampus's connections. pgbouncer refuses
        # startup options: behind it, set it on the role (docs/operations.md).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    config.setdefault("TEST", {})
    return config


def prepared_statements_from_env() -> bool:
    """Whether the hot reads of core.prepared are PREPAREd once per PostgreSQL connection: yes, unless
    PG_PREPARED_STATEMENTS says no, or PGBOUNCER says a pooler in transaction mode sits between (it hands
    each transaction any server connection, where the statement was never prepared)."""
    return env_bool("PG_PREPARED_STATEMENTS", not env_bool("PGBOUNCER", False))


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Whether `load_demo` may create the demo campus and its demo/demo login. Never true in production.
BIOCAMPUS_ALLOW_DEMO = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "biocampus.core",
    "biocampus.accounts",
    "biocampus.directory",
    "biocampus.campuses",
    "biocampus.agreements",
    "biocampus.events",
    "biocampus.progress",
    "biocampus.intelligence",
    "biocampus.api",
    "biocampus.exchange",
    "biocampus.webhooks",
    "biocampus.intake",
    "biocampus.servicedesk",
    "biocampus.insight",
]

# Background work (webhook deliveries, long imports) runs in `biocampus db_worker` processes that
# claim tasks from the database: SQLite on a laptop, PostgreSQL with several workers in production.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Login everywhere but the pages marked public: one rule, not one decorator per view.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "biocampus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "biocampus.campuses.context_processors.current_campus",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(VAR_DIR / "biocampus.sqlite3")}
BIOCAMPUS_PREPARED_STATEMENTS = prepared_statements_from_env()  # PostgreSQL only; see core/prepared.py
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "biocampus" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "biocampus" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Uploads beyond this are refused with a clear message before they reach a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
BIOCAMPUS_MAX_UPLOAD_BYTES = int(os.environ.get("BIOCAMPUS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "biocampus@localhost")
# SMTP, used when EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "").lower() in ("1", "true", "yes")
EMAIL_TIMEOUT = 20

# Funding amounts are converted into this currency, by the rates superusers keep (progress.ExchangeRate).
BIOCAMPUS_REPORTING_CURRENCY = os.environ.get("BIOCAMPUS_REPORTING_CURRENCY", "USD")
# The public application form: at most this many applications from one address per hour.
BIOCAMPUS_INTAKE_APPLICATIONS_PER_HOUR = int(os.environ.get("BIOCAMPUS_INTAKE_APPLICATIONS_PER_HOUR", 5))
# Press releases: the largest file read, the batch size that goes to the background worker instead of
# the request, and how long a run's page waits for a worker before it does the work itself.
# Organisation files with more rows than this are imported by the bulk path (docs/import-export.md).
BIOCAMPUS_BULK_IMPORT_ROWS = int(os.environ.get("BIOCAMPUS_BULK_IMPORT_ROWS", 100_000))
BIOCAMPUS_INGEST_MAX_BYTES = int(os.environ.get("BIOCAMPUS_INGEST_MAX_BYTES", 20 * 1024 * 1024))
BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD = int(os.environ.get("BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD", 20))
BIOCAMPUS_INGEST_WORKER_GRACE_SECONDS = int(os.environ.get("BIOCAMPUS_INGEST_WORKER_GRACE_SECONDS", 5))
# Which extractor reads press releases: "rules" (the default, offline) or "llm", a language model behind an
# OpenAI-compatible chat-completions endpoint (docs/intelligence-extraction.md); the model's answers are checked
# against the text like any other proposal.
BIOCAMPUS_EXTRACTOR = os.environ.get("BIOCAMPUS_EXTRACTOR", "rules").strip().lower() or "rules"
BIOCAMPUS_LLM_URL = os.environ.get("BIOCAMPUS_LLM_URL", "").strip()
BIOCAMPUS_LLM_API_KEY = os.environ.get("BIOCAMPUS_LLM_API_KEY", "")
BIOCAMPUS_LLM_MODEL = os.environ.get("BIOCAMPUS_LLM_MODEL", "").strip()
try:
    BIOCAMPUS_LLM_TIMEOUT = float(os.environ.get("BIOCAMPUS_LLM_TIMEOUT", 60))
    BIOCAMPUS_LLM_CHUNK_CHARS = int(os.environ.get("BIOCAMPUS_LLM_CHUNK_CHARS", 12_000))
except ValueError as error:
    raise ImproperlyConfigured(
        f"BIOCAMPUS_LLM_TIMEOUT and BIOCAMPUS_LLM_CHUNK_CHARS must be numbers ({error})."
    ) from None
if BIOCAMPUS_EXTRACTOR not in ("rules", "llm"):
    raise ImproperlyConfigured(f"BIOCAMPUS_EXTRACTOR must be rules or llm, not {BIOCAMPUS_EXTRACTOR!r}.")
if BIOCAMPUS_EXTRACTOR == "llm" and not (BIOCAMPUS_LLM_URL and BIOCAMPUS_LLM_MODEL):
    raise ImproperlyConfigured(
        "BIOCAMPUS_EXTRACTOR=llm needs BIOCAMPUS_LLM_URL (an OpenAI-compatible server, e.g. http://localhost:11434/v1)"
        " and BIOCAMPUS_LLM_MODEL."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour now: "example.org" means https
COUNTRIES_FIRST = ["CN"]
