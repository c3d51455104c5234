"""The Celery side: schedule, limits, locks around tasks, and the task chain run by a worker
(an embedded one here; real worker and beat processes in test_processes.py)."""
from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from sqlalchemy import select

import celeryconfig
from app.extensions import db
from app.models import Booking, Document, PipelineState, ScrapeRun
from app.services.locks import try_lock
from app.services.scheduled_scrape import next_moment, replay_moments

from .fake_documentcloud import wait_for

TASK_MODULES = ["app.tasks.scrape", "app.tasks.documents", "app.tasks.polish", "app.tasks.snapshot"]


def pipeline_tasks(app):
    for module in TASK_MODULES:
        importlib.import_module(module)
    celery = app.extensions["celery"]
    return {name: task for name, task in celery.tasks.items() if name.startswith("app.tasks.")}


def test_beat_schedule_real_time():
    schedule = celeryconfig.build_beat_schedule(1)
    scrape = schedule["scrape-every-active-jail"]
    assert scrape["schedule"] == crontab(minute=15)
    assert schedule["polish"]["schedule"] == crontab(minute=40, hour="*/4")
    assert schedule["daily-snapshot"]["schedule"] == crontab(minute=0, hour=11)
    assert schedule["intake-sheet-documents"]["schedule"] == crontab(minute=45)
    periods = {"scrape-every-active-jail": 3600, "polish": 4 * 3600, "daily-snapshot": 86400,
               "intake-sheet-documents": 3600}
    for name, entry in schedule.items():
        assert 0 < entry["options"]["expires"] < periods[name], name   # stale runs are dropped


def test_beat_schedule_compressed(app):
    schedule = celeryconfig.build_beat_schedule(60)
    assert schedule["scrape-every-active-jail"]["schedule"].run_every == timedelta(seconds=60)
    assert schedule["polish"]["schedule"].run_every == timedelta(minutes=4)
    assert schedule["daily-snapshot"]["schedule"].run_every == timedelta(hours=24 / 60)
    assert schedule["scrape-every-active-jail"]["options"]["expires"] == 50
    app.config["SCHEDULE_SPEEDUP"] = 60
    from app.celery_app import celery_init_app
    assert celery_init_app(app).conf.beat_schedule["polish"]["schedule"].run_every == timedelta(minutes=4)
    for entry in schedule.values():
        assert entry["task"] in pipeline_tasks(app)


def test_every_task_stops_before_the_broker_would_redeliver_it(app):
    tasks = pipeline_tasks(app)
    assert set(tasks) == {
        "app.tasks.scrape.scrape_all_jails", "app.tasks.scrape.scrape_jail",
        "app.tasks.documents.render_pdf", "app.tasks.documents.upload_document",
        "app.tasks.documents.sweep_documents", "app.tasks.polish.polish",
        "app.tasks.snapshot.daily_snapshot",
    }
    from kombu.transport.redis import Channel
    visibility = celeryconfig.VISIBILITY_TIMEOUT
    assert Channel.visibility_timeout == visibility
    assert "visibility_timeout" not in app.extensions["celery"].conf.broker_transport_options
    for name, task in tasks.items():
        assert task.soft_time_limit < task.time_limit < visibility, name
        # acks_late only with redelivery on a lost worker, and never on the fan-out.
        idempotent = name != "app.tasks.scrape.scrape_all_jails"
        assert task.acks_late is idempotent and bool(task.reject_on_worker_lost) is idempotent, name
    from app.tasks.documents import POLL_SECONDS
    assert POLL_SECONDS < visibility


def test_documents_have_a_queue_of_their_own(app):
    pipeline_tasks(app)
    celery = app.extensions["celery"]
    queue = {name: celery.amqp.router.route({}, name)["queue"].name for name in pipeline_tasks(app)}
    assert queue["app.tasks.documents.render_pdf"] == queue["app.tasks.documents.upload_document"] == "documents"
    assert queue["app.tasks.scrape.scrape_jail"] == queue["app.tasks.polish.polish"] == "celery"
    assert {q.name for q in celery.amqp.queues.values()} == {"celery", "documents"}   # a worker takes both


def test_replay_moments_play_forward_then_stop(app_ctx, shared_dir):
    root = shared_dir / "dockets"
    moments = replay_moments(root, "mcdc")
    assert [m.name for m in moments] == ["t0", "t1"]
    for moment in moments:
        assert next_moment(root, "mcdc") == moment
        db.session.merge(PipelineState(key="replay:mcdc", value=str(moment.relative_to(root))))
        db.session.commit()
    assert next_moment(root, "mcdc") is None
    assert next_moment(root, "nowhere") is None


def test_scrape_is_skipped_while_another_holds_the_jail(replaying_app):
    from app.tasks.scrape import scrape_jail
    with replaying_app.app_context():
        held = try_lock("scrape:acdc", ttl=60, token="the-running-scrape")
        assert scrape_jail.apply(args=("acdc",)).get() == "skipped"
        assert db.session.query(ScrapeRun).count() == 0
        # The same message redelivered after its worker died runs, taking the lock over.
        assert scrape_jail.apply(args=("acdc",), task_id="the-running-scrape").get() == "success"
        assert db.session.query(ScrapeRun).count() == 1
        held.release()


def test_replay_without_a_recording_scrapes_nothing(replaying_app, tmp_path):
    from app.tasks.scrape import scrape_jail
    replaying_app.config["SCRAPE_REPLAY_DIR"] = str(tmp_path)
    with replaying_app.app_context():
        assert scrape_jail.apply(args=("acdc",)).get() == "nothing to replay"
        assert db.session.query(ScrapeRun).count() == 0


def test_worker_runs_the_chain_scrape_pdf_documentcloud(replaying_app):
    from app.tasks.documents import sweep_documents
    from app.tasks.scrape import scrape_all_jails
    server = replaying_app.dc_server
    celery = replaying_app.extensions["celery"]

    def finished():
        db.session.expire_all()
        documents = db.session.scalars(select(Document)).all()
        sheets = db.session.scalar(select(db.func.count()).select_from(Booking))
        return documents and len(documents) == sheets and all(d.status == "success" for d in documents)

    with replaying_app.app_context():
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            scrape_all_jails.delay()
            wait_for(finished, timeout=60, interval=0.2)
            first_round = db.session.scalar(select(db.func.count()).select_from(Booking))
            scrape_all_jails.delay()                     # t1: someone new
            wait_for(lambda: finished() and db.session.scalars(
                select(ScrapeRun.outcome)).all() == ["success", "success"], timeout=60, interval=0.2)
            sweep_documents.delay()                      # nothing left to do: changes nothing
        assert scrape_all_jails.apply().get() == 0       # the recording is over: nothing queued
        runs = db.session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)).all()
        assert [(run.outcome, Path(run.replay_source).name) for run in runs] == [
            ("success", "t0"), ("success", "t1")]
        bookings = db.session.scalar(select(db.func.count()).select_from(Booking))
        assert bookings > first_round
        documents = db.session.scalars(select(Document)).all()
        assert len(documents) == bookings
        assert all(Path(d.path).is_file() and d.full_text and d.pages == 1 for d in documents)
        assert sorted(server.created_titles()) == sorted(d.title for d in documents)   # once each


def test_scrape_lock_outlives_a_run_but_not_a_compressed_schedule(app):
    from app.tasks.scrape import SCRAPE_TIME_LIMIT, scrape_lock_ttl

    with app.app_context():
        app.config["SCHEDULE_SPEEDUP"] = 1
        assert scrape_lock_ttl() == SCRAPE_TIME_LIMIT       # real time: the hard time limit
        app.config["SCHEDULE_SPEEDUP"] = 60
        assert scrape_lock_ttl() == 60                      # one scheduled hour
        app.config["SCHEDULE_SPEEDUP"] = 3600
        assert scrape_lock_ttl() == 30                      # never below the floor
