"""The factory, configuration and the pages that must answer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, load_settings
from app.services.users import create_admin

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_need_no_service(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'oversight.sqlite'}"
    assert settings["CELERY"]["broker_url"].startswith("sqla+sqlite:///")
    assert settings["REDIS_URL"] is None
    assert settings["TIMEZONE"] == "America/Chicago"
    # The secret is generated once and then reused.
    assert (tmp_path / "secret_key").exists()
    assert load_settings(tmp_path, environ={})["SECRET_KEY"] == settings["SECRET_KEY"]


def test_redis_url_makes_redis_the_broker(tmp_path):
    settings = load_settings(tmp_path, environ={"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert settings["CELERY"]["broker_url"] == "redis://127.0.0.1:6379/0"


def test_postgres_urls_use_psycopg(tmp_path):
    settings = load_settings(tmp_path, environ={"DATABASE_URL": "postgres://u@h/db"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("name,value", [
    ("DATABASE_URL", "mysql://x"),
    ("REDIS_URL", "http://localhost"),
    ("TIMEZONE", "Mars/Olympus"),
    ("SECRET_KEY", "short"),
    ("DOCUMENTCLOUD_ACCESS", "everyone"),
    ("SCRAPE_TIMEOUT", "soon"),
    ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "0"),
    ("LOGIN_FAILURE_WINDOW_SECONDS", "a while"),
])
def test_bad_settings_name_themselves(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings(tmp_path, environ={name: value})


def test_sign_in_limits_come_from_the_environment(tmp_path):
    settings = load_settings(tmp_path, environ={"LOGIN_MAX_FAILURES_PER_ACCOUNT": "3",
                                                "LOGIN_MAX_FAILURES_PER_ADDRESS": "50",
                                                "LOGIN_FAILURE_WINDOW_SECONDS": "600"})
    assert (settings["LOGIN_MAX_FAILURES_PER_ACCOUNT"], settings["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            settings["LOGIN_FAILURE_WINDOW_SECONDS"]) == (3, 50, 600)
    defaults = load_settings(tmp_path, environ={})
    assert (defaults["LOGIN_MAX_FAILURES_PER_ACCOUNT"], defaults["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            defaults["LOGIN_FAILURE_WINDOW_SECONDS"]) == (5, 20, 900)


def _clean_env(tmp_path, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OVERSIGHT_INSTANCE_PATH": str(tmp_path)}
    env.update(extra)
    return env


def test_app_starts_with_no_environment(tmp_path):
    code = ("from app import create_app; app = create_app(); "
            "r = app.test_client().get('/auth/login'); print(r.status_code)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_clean_env(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("200")


def test_bad_setting_fails_start_with_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"],
                            cwd=ROOT, env=_clean_env(tmp_path, TIMEZONE="Nowhere/Land"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TIMEZONE" in lines[0]


def test_login_page_answers(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b"csrf_token" in response.data


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code in (302, 303)
    assert "/auth/login" in response.headers["Location"]


def test_login_and_logout(app, client, auth):
    with app.app_context():
        create_admin(email="admin@example.org", username="admin", password="correct horse battery")
    assert auth.login(password="wrong").status_code == 401
    response = auth.login()
    assert response.status_code in (302, 303)
    assert client.get("/admin/").status_code == 200
    auth.logout()
    assert client.get("/admin/").status_code in (302, 303)


def test_login_refuses_a_post_without_csrf(app, client):
    with app.app_context():
        create_admin(email="admin@example.org", username="admin", password="correct horse battery")
    response = client.post("/auth/login", data={"login": "admin", "password": "correct horse battery"})
    assert response.status_code in (400, 401)
    assert client.get("/admin/").status_code in (302, 303)


def test_create_admin_command(runner, app):
    result = runner.invoke(args=["create-admin", "--email", "a@example.org", "--username", "boss",
                                 "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-admin", "--email", "a@example.org", "--username", "boss",
                                 "--password", "long enough pw"])
    assert result.exit_code == 1
    assert "exists" in result.output
