"""Starting the rest of the system around the simulator, for the soak run and the demo: a
private Redis server, Celery worker and beat, the web app - each a real process in a
process group of its own, so stopping one stops everything it forked."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spawn(args: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def celery(kind: str, *options: str, env: dict, log: Path) -> subprocess.Popen:
    """``celery worker`` or ``celery beat`` on the project's own entry point."""
    return spawn([sys.executable, "-m", "celery", "-A", "wsgi:celery_app", kind, "--loglevel", "INFO",
                  *options], env=env, log=log)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)   # pool children a dying parent left behind
    except ProcessLookupError:
        pass
    process.wait()


class PrivateRedis:
    """A throwaway Redis on a free loopback port, holding nothing on disk: the broker and
    locks of one soak run or demo, shared with nobody."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> PrivateRedis:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = spawn(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                             env=dict(os.environ), log=self.folder / "redis.log")
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=5)
            self.process = None


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and every process below it."""
    stats = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo += [child for child, (parent, _) in stats.items() if parent == pid]
    return total / CLOCK_TICKS


def pipeline_environment(*, instance: Path, database_url: str, broker_url: str, redis_url: str | None,
                         speedup: int, declarations: Path, secret_key: str) -> dict:
    """The environment for the system's processes: this database and broker, the
    simulator's jails, a compressed schedule, and no DocumentCloud account."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DOCUMENTCLOUD_", "REDIS_URL", "CELERY_", "SCRAPE_REPLAY", "DATABASE_URL"))}
    env.update({
        "OVERSIGHT_INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url, "SCHEDULE_SPEEDUP": str(speedup),
        "OVERSIGHT_JAIL_DECLARATIONS": str(declarations), "SECRET_KEY": secret_key,
        "PYTHONUNBUFFERED": "1", "FLASK_APP": "wsgi",
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env
