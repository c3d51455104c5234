"""Starting and stopping real Celery worker and beat processes for the tests."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
ENTRY = "tests.pipeline.worker_app:celery_app"


def process_settings(app, *, visibility_timeout: int = 3600, **overrides) -> dict:
    """The in-process test app's settings for a worker or beat process, on the real Redis
    under a key prefix of their own (other test runs may share the server)."""
    config = app.config
    settings = {
        "TESTING": True, "OVERSIGHT_ENV": "testing", "SECRET_KEY": config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": config["SQLALCHEMY_DATABASE_URI"],
        "DOCUMENTS_DIR": config["DOCUMENTS_DIR"], "ARCHIVE_DIR": config["ARCHIVE_DIR"],
        "REDIS_URL": TEST_REDIS_URL,
        "CELERY": {
            "broker_url": TEST_REDIS_URL,
            "broker_transport_options": {"visibility_timeout": visibility_timeout,
                                         "unacked_restore_interval": 1,
                                         "global_keyprefix": f"oversight-test-{uuid.uuid4().hex[:8]}:"},
            "worker_enable_remote_control": False,
        },
    }
    for key in ("SCRAPE_REPLAY_DIR", "SCHEDULE_SPEEDUP", "DOCUMENTCLOUD_USERNAME",
                "DOCUMENTCLOUD_PASSWORD", "DOCUMENTCLOUD_BASE_URI", "DOCUMENTCLOUD_AUTH_URI"):
        if config.get(key) is not None:
            settings[key] = config[key]
    settings.update(overrides)
    return settings


def start(kind: str, settings: dict, log: Path, *args: str) -> subprocess.Popen:
    """``celery worker`` or ``celery beat`` in a process group of its own."""
    env = {**os.environ, "OVERSIGHT_TEST_SETTINGS": json.dumps(settings)}
    command = [sys.executable, "-m", "celery", "-A", ENTRY, kind, "--loglevel", "INFO", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill(process: subprocess.Popen) -> None:
    """SIGKILL a worker and its pool at once, as a machine or container dying would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen) -> None:
    """Stop a worker or beat and everything it forked."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)   # stray pool children
    except ProcessLookupError:
        pass
