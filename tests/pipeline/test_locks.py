"""Locks: a database lease without Redis, a Redis key with it; same rules either way."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Lease
from app.models.types import utcnow
from app.services.locks import try_lock


def _exercise_rules(app):
    with app.app_context():
        first = try_lock("scrape:mcdc", ttl=60, token="task-1")
        assert first is not None
        assert try_lock("scrape:mcdc", ttl=60, token="task-2") is None        # held by another
        assert try_lock("scrape:lcdc", ttl=60, token="task-2") is not None    # names are separate
        # A redelivered message (same task id) takes over what its dead delivery held.
        again = try_lock("scrape:mcdc", ttl=60, token="task-1")
        assert again is not None
        first.release()
        third = try_lock("scrape:mcdc", ttl=60, token="task-3")
        assert third is not None
        # A stale holder releasing late does not free someone else's lock.
        again.release()
        assert try_lock("scrape:mcdc", ttl=60, token="task-4") is None
        third.release()
        with try_lock("scrape:mcdc", ttl=60, token="task-4"):
            assert try_lock("scrape:mcdc", ttl=60, token="task-5") is None
        assert try_lock("scrape:mcdc", ttl=60, token="task-5") is not None


def _race(app, threads=8):
    """Many threads, one start signal: exactly one gets the lock."""
    start = threading.Barrier(threads)
    winners = []

    def contend(n):
        with app.app_context():
            start.wait()
            if try_lock("polish", ttl=60, token=f"t{n}") is not None:
                winners.append(n)

    workers = [threading.Thread(target=contend, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return winners


def test_database_lease_rules(app):
    _exercise_rules(app)


def test_database_lease_expires(app_ctx):
    assert try_lock("sweep", ttl=60, token="dead-worker") is not None
    lease = db.session.get(Lease, "sweep")
    assert lease.holder == "dead-worker"
    lease.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert try_lock("sweep", ttl=60, token="next") is not None
    db.session.expire_all()
    assert db.session.get(Lease, "sweep").holder == "next"


def test_database_lease_race_has_one_winner(app):
    assert len(_race(app)) == 1


@pytest.mark.redis
def test_redis_lock_rules(redis_app):
    _exercise_rules(redis_app)
    with redis_app.app_context():
        # Nothing went to the database: the locks lived in Redis.
        assert db.session.query(Lease).count() == 0


@pytest.mark.redis
def test_redis_lock_expires(redis_app):
    with redis_app.app_context():
        assert try_lock("sweep", ttl=1, token="dead-worker") is not None
        assert try_lock("sweep", ttl=1, token="next") is None
        time.sleep(1.2)
        lock = try_lock("sweep", ttl=1, token="next")
        assert lock is not None
        lock.release()


@pytest.mark.redis
def test_redis_lock_race_has_one_winner(redis_app):
    assert len(_race(redis_app)) == 1


@pytest.mark.redis
def test_redis_locks_of_two_databases_do_not_collide(redis_app):
    with redis_app.app_context():
        held = try_lock("scrape:mcdc", ttl=60, token="a")
        assert held is not None
    other = redis_app.config["SQLALCHEMY_DATABASE_URI"]
    redis_app.config["SQLALCHEMY_DATABASE_URI"] = other + "-elsewhere"
    try:
        with redis_app.app_context():
            assert try_lock("scrape:mcdc", ttl=60, token="b") is not None
    finally:
        redis_app.config["SQLALCHEMY_DATABASE_URI"] = other
        with redis_app.app_context():
            held.release()
