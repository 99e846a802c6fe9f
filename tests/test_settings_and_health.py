"""The health check, the login rule, and the settings' promises: production passes `check --deploy`,
refuses to start without a secret, and never loads the demo campus.

The settings tests start the real command line (`biocampus`) in a subprocess: a settings module
is read once per process, so only a new process shows what a deployment would see.
"""

import os
import secrets
import socket
import sqlite3
import string
import subprocess
import sys
from pathlib import Path

import pytest

BIOCAMPUS = str(Path(sys.executable).with_name("biocampus"))
PRODUCTION = "config.settings.production"


@pytest.fixture
def clean_env(tmp_path):
    """The environment of a fresh shell: none of this test run's database or settings variables
    (nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly flags), and a
    var/ of its own so that nothing touches the checkout's database or secret key."""
    test_run_only = {
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
    }
    env = {name: value for name, value in os.environ.items() if not name.startswith("PG") and name not in test_run_only}
    env["BIOCAMPUS_VAR_DIR"] = str(tmp_path / "var")
    return env


@pytest.fixture
def production_env(clean_env):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return {
        **clean_env,
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "ALLOWED_HOSTS": "biocampus.example.org",
    }


def biocampus(*args, env):
    # The project's own command line with fixed arguments: nothing untrusted reaches it.
    return subprocess.run([BIOCAMPUS, *args], env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_answers_503_when_the_database_is_unreachable(clean_env):
    # A port that is bound but not listening: connecting to it is refused, every time.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        code = (
            "from django.test.utils import setup_test_environment; setup_test_environment()\n"
            "from django.test import Client\n"
            "response = Client().get('/healthz')\n"
            "print(response.status_code, response.json()['status'])\n"
        )
        env = {**clean_env, "DATABASE_URL": f"postgres://x@127.0.0.1:{port}/none"}
        result = biocampus("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["503", "error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "login"),
    [
        ("/organizations/", "/accounts/login/"),
        ("/admin/", "/admin/login/"),  # the admin keeps its own login page
    ],
)
def test_pages_send_anonymous_users_to_the_login(client, path, login):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{login}?next={path}"


def test_production_settings_pass_check_deploy(production_env):
    result = biocampus("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = biocampus("check", env=production_env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_load_demo_refuses_under_production_settings(production_env, tmp_path):
    migrated = biocampus("migrate", "--noinput", env=production_env)
    assert migrated.returncode == 0, migrated.stderr

    result = biocampus("load_demo", env=production_env)

    assert result.returncode != 0
    assert "Unknown command" not in result.stderr
    with sqlite3.connect(tmp_path / "var" / "biocampus.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM accounts_user").fetchone() == (0,)
