"""Fixtures in the shape of Flask's tutorial: ``app``, ``client``, ``runner`` and ``auth``.

The database is real. By default every test gets a fresh SQLite file; with
``TEST_DATABASE_URL`` (a PostgreSQL URL) the schema is created once per session and every
table is emptied after each test. ``make test`` runs the suite on SQLite, ``make test-postgres``
on PostgreSQL; CI runs both.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
if not SHARED.exists():  # CI clones the project next to shared/
    SHARED = Path(os.environ.get("OVERSIGHT_SHARED", "../shared")).resolve()

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'sqlite (a file per test)'}; redis: {TEST_REDIS_URL or 'none'}"


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL")
    config.addinivalue_line("markers", "redis: needs a Redis server (TEST_REDIS_URL)")
    config.addinivalue_line("markers", "browser: drives Chromium")
    config.addinivalue_line("markers", "slow: starts real processes")


def pytest_collection_modifyitems(config, items):
    skip_redis = pytest.mark.skip(reason="TEST_REDIS_URL is not set")
    skip_pg = pytest.mark.skip(reason="runs only on PostgreSQL (TEST_DATABASE_URL)")
    for item in items:
        if "redis" in item.keywords and not TEST_REDIS_URL:
            item.add_marker(skip_redis)
        if "postgres_only" in item.keywords and not TEST_DATABASE_URL:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


def _test_config(tmp_path: Path) -> dict:
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"
    return {
        "TESTING": True,
        "OVERSIGHT_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "DOCUMENTS_DIR": str(tmp_path / "documents"),
        "ARCHIVE_DIR": str(tmp_path / "archive"),
        "CELERY": {"broker_url": "memory://", "result_backend": "cache+memory://"},
    }


@pytest.fixture(scope="session")
def _postgres_schema():
    """Create the schema once per session on PostgreSQL."""
    if not TEST_DATABASE_URL:
        yield None
        return
    app = create_app({"SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL, "TESTING": True,
                      "SECRET_KEY": "x" * 32})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield True


def empty_all_tables() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(tmp_path, _postgres_schema):
    app = create_app(_test_config(tmp_path))
    with app.app_context():
        if not TEST_DATABASE_URL:
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


class AuthActions:
    """Signs a test client in and out through the real login form (CSRF included)."""

    def __init__(self, client):
        self._client = client

    def login(self, login="admin", password="correct horse battery"):
        import re

        page = self._client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        data = {"login": login, "password": password}
        if token:
            data["csrf_token"] = token.group(1)
        return self._client.post("/auth/login", data=data)

    def logout(self):
        import re

        page = self._client.get("/admin/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        return self._client.post("/auth/logout", data={"csrf_token": token.group(1) if token else ""})


@pytest.fixture
def auth(client):
    return AuthActions(client)
