"""Settings, read once from the environment.

Every setting has a default that needs no running service: a SQLite database and a
SQLite-backed Celery broker, both under ``instance/``. A malformed setting stops start-up
with a single line naming it (``ConfigError``).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """A setting in the environment is unusable; the message names it."""


def _env(environ, name, default=None):
    value = environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _bool(environ, name, default=False):
    raw = _env(environ, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true or false)")


def _int(environ, name, default, *, minimum=None):
    raw = _env(environ, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def _database_url(environ, instance_path: Path) -> str:
    url = _env(environ, "DATABASE_URL")
    if url is None:
        return f"sqlite:///{instance_path / 'oversight.sqlite'}"
    # Hosting platforms still hand out the pre-SQLAlchemy-1.4 scheme.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    scheme = urlparse(url).scheme
    if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
        raise ConfigError(f"DATABASE_URL={url!r} must be a sqlite:// or postgresql:// URL")
    return url


def _redis_url(environ):
    url = _env(environ, "REDIS_URL")
    if url is not None and urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL={url!r} must be a redis:// URL")
    return url


def _secret_key(environ, instance_path: Path) -> str:
    key = _env(environ, "SECRET_KEY")
    if key is not None:
        if len(key) < 16:
            raise ConfigError("SECRET_KEY is too short (use at least 16 characters)")
        return key
    # Generated once and kept, so sessions survive restarts of a default install.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(instance_path: str | os.PathLike, environ=None) -> dict:
    """Build the Flask config mapping from ``environ`` (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    instance = Path(instance_path)

    timezone = _env(environ, "TIMEZONE", "America/Chicago")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE={timezone!r} is not a known time zone") from None

    redis_url = _redis_url(environ)
    broker_url = _env(environ, "CELERY_BROKER_URL") or redis_url
    if broker_url is None:
        broker_url = f"sqla+sqlite:///{instance / 'celery-broker.sqlite'}"
    broker_scheme = urlparse(broker_url).scheme
    if broker_scheme not in {"redis", "rediss", "sqla+sqlite", "sqla+postgresql", "memory", "amqp", "pyamqp"}:
        raise ConfigError(f"CELERY_BROKER_URL={broker_url!r} uses an unsupported transport")

    dc_access = _env(environ, "DOCUMENTCLOUD_ACCESS", "private")
    if dc_access not in {"private", "organization", "public"}:
        raise ConfigError(f"DOCUMENTCLOUD_ACCESS={dc_access!r} must be private, organization or public")

    env_name = _env(environ, "OVERSIGHT_ENV", "development")
    if env_name not in {"development", "testing", "production"}:
        raise ConfigError(f"OVERSIGHT_ENV={env_name!r} must be development, testing or production")

    return {
        "OVERSIGHT_ENV": env_name,
        "SECRET_KEY": _secret_key(environ, instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(environ, instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "TIMEZONE": timezone,
        "DOCUMENTS_DIR": str(Path(_env(environ, "DOCUMENTS_DIR", str(instance / "documents")))),
        "ARCHIVE_DIR": str(Path(_env(environ, "ARCHIVE_DIR", str(instance / "archive")))),
        "DOCUMENTCLOUD_USERNAME": _env(environ, "DOCUMENTCLOUD_USERNAME"),
        "DOCUMENTCLOUD_PASSWORD": _env(environ, "DOCUMENTCLOUD_PASSWORD"),
        "DOCUMENTCLOUD_BASE_URI": _env(environ, "DOCUMENTCLOUD_BASE_URI", "https://api.www.documentcloud.org/api/"),
        "DOCUMENTCLOUD_AUTH_URI": _env(environ, "DOCUMENTCLOUD_AUTH_URI", "https://accounts.muckrock.com/api/"),
        "DOCUMENTCLOUD_ACCESS": dc_access,
        "DOCUMENTCLOUD_PROJECT": _env(environ, "DOCUMENTCLOUD_PROJECT"),
        "SCRAPE_USER_AGENT": _env(
            environ,
            "SCRAPE_USER_AGENT",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/142.0.0.0 Safari/537.36 Oversight/1.0",
        ),
        "SCRAPE_TIMEOUT": _int(environ, "SCRAPE_TIMEOUT", 30),
        "SCHEDULE_SPEEDUP": _int(environ, "SCHEDULE_SPEEDUP", 1),
        # Scheduled scrapes replay recorded dockets (<dir>/<jail>/.../index.json, one moment
        # per run in capture-time order) instead of fetching live sites: tests and the demo.
        "SCRAPE_REPLAY_DIR": _env(environ, "SCRAPE_REPLAY_DIR"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(environ, "SESSION_COOKIE_SECURE", env_name == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Failed sign-ins allowed per account and per address within the window, then 429.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int(environ, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, minimum=1),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int(environ, "LOGIN_MAX_FAILURES_PER_ADDRESS", 20, minimum=1),
        "LOGIN_FAILURE_WINDOW_SECONDS": _int(environ, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1),
        "CELERY": {
            "broker_url": broker_url,
            "result_backend": None,
            "task_ignore_result": True,
        },
    }
