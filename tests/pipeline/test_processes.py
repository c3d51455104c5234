"""Real Celery worker and beat processes against the real Redis and the test database."""
from __future__ import annotations

import json
import os
import shutil
import signal
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Booking, DailySnapshot, Document, Jail, ScrapeRun
from app.scrapers.fetch import CassetteFetcher
from app.scrapers.jails import BY_CODE
from app.scrapers.platforms import get_scraper
from app.services.scheduled_scrape import replay_moments

from . import processes
from .fake_documentcloud import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def sender(settings: dict) -> Celery:
    """A client that queues tasks where the test's workers listen."""
    client = Celery(set_as_current=False)
    client.conf.update(settings["CELERY"])
    return client


def log_lines(path: Path, needle: str) -> int:
    return path.read_text(errors="replace").count(needle) if path.exists() else 0


def wait_ready(*logs: Path, timeout: float = 60) -> None:
    wait_for(lambda: all(log_lines(log, "ready.") for log in logs), timeout=timeout, interval=0.2)


def hourly_recording(source: Path, root: Path, hours: int) -> Path:
    """``hours`` moments of one jail, an hour apart, all showing the docket at ``source``."""
    index = json.loads((source / "index.json").read_text())
    captured = datetime.fromisoformat(index["captured_at"])
    for hour in range(hours):
        moment = root / source.parts[-3] / f"h{hour:02d}"
        shutil.copytree(source, moment)
        index["captured_at"] = (captured + timedelta(hours=hour)).isoformat()
        (moment / "index.json").write_text(json.dumps(index))
    return root


def test_two_workers_never_scrape_one_jail_at_once(replaying_app, tmp_path, shared_dir):
    recording = hourly_recording(shared_dir / "dockets/acdc/basic/t0", tmp_path / "recording", 12)
    settings = processes.process_settings(replaying_app, SCRAPE_REPLAY_DIR=str(recording))
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [processes.start("worker", settings, log, "--concurrency", "1", "-n", f"w{n}@%h")
               for n, log in enumerate(logs, start=1)]
    try:
        wait_ready(*logs)
        client = sender(settings)
        for wave in range(1, 4):        # four at once, three times over
            for _ in range(4):
                client.send_task("app.tasks.scrape.scrape_jail", args=("acdc",))
            wait_for(lambda: sum(_finished(log) for log in logs) == 4 * wave, timeout=60, interval=0.2)
    finally:
        for worker in workers:
            processes.stop(worker)
    with replaying_app.app_context():
        runs = db.session.execute(select(ScrapeRun.started_at, ScrapeRun.finished_at)
                                  .order_by(ScrapeRun.started_at)).all()
    print(f"{len(runs)} of 12 scrapes ran; the others found the jail being scraped")
    assert 3 <= len(runs) < 12
    assert all(finished is not None for _, finished in runs)
    for (_, end), (start, _) in zip(runs, runs[1:]):
        assert end <= start, "two scrapes of one jail overlapped"
    assert all(_finished(log) for log in logs), "both workers took scrapes"


def _finished(log: Path) -> int:
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines()
               if "app.tasks.scrape.scrape_jail[" in line and "succeeded in" in line)


def expected_keys(dockets: Path) -> dict[str, set[str]]:
    """Every booking key each jail's recorded moments show, read by the scrapers alone."""
    keys = {}
    for code in BY_CODE:
        keys[code] = set()
        for moment in replay_moments(dockets, code):
            fetcher = CassetteFetcher(moment)
            result = get_scraper(BY_CODE[code]).scrape(fetcher, now=fetcher.captured_at)
            keys[code] |= {record.booking_key for record in result.records}
    return keys


def test_worker_and_beat_run_the_whole_pipeline(replaying_app, tmp_path, shared_dir):
    """Compressed schedule (an hour a second) over every jail's recorded docket. The worker
    is killed twice in the middle of an upload: first its pool processes (the broker gets the
    message back at once), then the whole worker (the message comes back to a new worker
    after the visibility timeout, shortened here). Nothing is duplicated or lost."""
    server = replaying_app.dc_server
    with replaying_app.app_context():
        db.session.execute(update(Jail).values(active=True))
        db.session.commit()
        codes = set(db.session.scalars(select(Jail.code)))
        # Yesterday's figures: every jail not stopped years ago (prcdf and ccdc are).
        snapshotted = set(db.session.scalars(select(Jail.code).where(Jail.scrape_stopped_on.is_(None))))
    expected = expected_keys(shared_dir / "dockets")

    # Longer than any task here takes, short enough to see a dead worker's message come back.
    settings = processes.process_settings(replaying_app, visibility_timeout=15)
    worker_logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    beat_log = tmp_path / "beat.log"
    server.stall_next("PUT", r"^/s3/", 120)
    worker = processes.start("worker", settings, worker_logs[0], "--concurrency", "2")
    beat = None
    state: dict = {}
    try:
        wait_ready(worker_logs[0])
        beat = processes.start("beat", settings, beat_log, "--schedule", str(tmp_path / "beat-schedule"))

        wait_for(server.stalled.is_set, timeout=60, interval=0.2)
        pool = processes.children(worker.pid)
        assert pool, "the worker has pool processes"
        for pid in pool:
            os.kill(pid, signal.SIGKILL)       # mid-task: one is inside the upload
        server.release()

        server.stall_next("PUT", r"^/s3/", 120)
        wait_for(server.stalled.is_set, timeout=60, interval=0.2)
        processes.kill(worker)                 # the whole worker, mid-upload
        server.release()
        worker = processes.start("worker", settings, worker_logs[1], "--concurrency", "2")

        def settled():
            with replaying_app.app_context():
                state["runs"] = dict(db.session.execute(
                    select(Jail.code, func.count()).join(ScrapeRun)
                    .where(ScrapeRun.outcome == "success").group_by(Jail.code)).all())
                state["bookings"] = db.session.scalar(select(func.count()).select_from(Booking))
                state["documents"] = dict(db.session.execute(
                    select(Document.status, func.count()).group_by(Document.status)).all())
                state["snapshot jails"] = db.session.scalar(
                    select(func.count(DailySnapshot.jail_id.distinct())))
                return (set(state["runs"]) == codes and min(state["runs"].values()) >= 2
                        and state["bookings"] == sum(len(k) for k in expected.values())
                        and state["documents"] == {"success": state["bookings"]}
                        and state["snapshot jails"] == len(snapshotted))

        wait_for(settled, timeout=150, interval=1)
    except AssertionError:
        print(f"state: {state}")
        for log in worker_logs:
            print(log.read_text()[-3000:])
        raise
    finally:
        if beat is not None:
            processes.stop(beat)
        processes.stop(worker)

    assert log_lines(worker_logs[0], "WorkerLostError"), "the first kill hit running work"
    with replaying_app.app_context():
        found: dict[str, set[str]] = {}
        for code, key in db.session.execute(select(Jail.code, Booking.booking_key).join(Booking)):
            found.setdefault(code, set()).add(key)
        assert {code: keys for code, keys in found.items()} == {c: k for c, k in expected.items() if k}
        documents = db.session.scalars(select(Document)).all()
        assert all(Path(d.path).is_file() and d.pages and d.full_text for d in documents)
    live = server.live_documents()
    assert sorted(d.title for d in live) == sorted(d.title for d in documents)      # one each
    titles = server.created_titles()
    interrupted = [t for t in set(titles) if titles.count(t) > 1]
    # Each interrupted upload left a file-less document behind, deleted before uploading again,
    # and was interrupted once: two kills, each catching at most both pool processes mid-upload
    # (the stalled one, and the other if it was uploading too).
    assert len(titles) == len(live) + len(interrupted) and len(interrupted) <= 2 * 2
    assert all(titles.count(title) == 2 for title in interrupted)
