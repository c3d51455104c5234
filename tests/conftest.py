"""Fixtures in the shape of Flask's tutorial: ``app``, ``client``, ``runner`` and ``auth``.

The database is real. By default every test gets a fresh SQLite file (a copy of an empty
one made once per session); with
``TEST_DATABASE_URL`` (a PostgreSQL URL) each session creates its own scratch database next
to it, creates the schema once and empties every table after each test. ``make test`` runs the suite on SQLite, ``make test-postgres``
on PostgreSQL; CI runs both.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


def _test_config(tmp_path: Path, postgres_url: str | None) -> dict:
    url = postgres_url or f"sqlite:///{tmp_path / 'test.sqlite'}"
    return {
        "TESTING": True,
        "OVERSIGHT_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "DOCUMENTS_DIR": str(tmp_path / "documents"),
        "ARCHIVE_DIR": str(tmp_path / "archive"),
        "CELERY": {"broker_url": "memory://", "result_backend": "cache+memory://"},
    }


def create_scratch_postgres_database(suffix: str) -> str:
    """Create an empty database next to TEST_DATABASE_URL and return its URL. Each test
    session (and each concurrent run) gets its own, so runs never trample each other."""
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{suffix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_scratch_postgres_database(scratch_url: str) -> None:
    admin = create_engine(make_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(scratch_url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres_url():
    """On PostgreSQL: a private database for this session with the schema created once."""
    if not TEST_DATABASE_URL:
        yield None
        return
    url = create_scratch_postgres_database("session")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x" * 32})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop_scratch_postgres_database(url)


def empty_all_tables() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    """On SQLite: an empty database with every table, made once per session. Each test
    starts from a copy (milliseconds), where creating the tables would sync the disk for
    every one of them."""
    if TEST_DATABASE_URL:
        return None
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite"
    template_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True,
                               "SECRET_KEY": "s" * 32})
    with template_app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, _postgres_url, _sqlite_template):
    if _sqlite_template is not None:
        shutil.copyfile(_sqlite_template, tmp_path / "test.sqlite")
    app = create_app(_test_config(tmp_path, _postgres_url))
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
