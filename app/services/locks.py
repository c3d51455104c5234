"""Named, expiring locks that keep two runs of the same job apart (e.g. two scrapes of one
jail, two uploads of one document).

With Redis configured (``REDIS_URL``) a lock is a Redis key; otherwise it is a row in the
``leases`` table, so the embedded SQLite broker setup needs no other service. Either way a
lock expires by itself after ``ttl`` seconds: callers pass their job's hard time limit, so a
holder that died (a killed worker) never blocks the next run for longer than that.

A holder is named by a token; Celery tasks pass their task id. A message redelivered after
its worker died keeps that id, so the new delivery takes over the lock its dead predecessor
held instead of waiting for the lock to expire. No other token can take a live lock.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import lru_cache

import redis
from flask import current_app
from sqlalchemy import delete, or_, update

from ..extensions import db
from ..models import Lease
from ..models.types import utcnow
from .sql import dialect_insert


class Lock:
    """A held lock; release it (or use it as a context manager) when the work is done."""

    def __init__(self, name: str, token: str, release):
        self.name = name
        self.token = token
        self._release = release

    def release(self) -> None:
        self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def try_lock(name: str, *, ttl: int, token: str) -> Lock | None:
    """Take the lock ``name`` for ``ttl`` seconds, or return None if someone else holds it."""
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        return _redis_lock(redis_client(redis_url), namespaced(f"lock:{name}"), ttl, token)
    return _lease_lock(name, ttl, token)


def namespaced(name: str) -> str:
    """A Redis key of this installation's. Keys speak for one database (locks guard its
    rows, login counters its users); two installations sharing a Redis server, or two test
    runs, must not see each other's."""
    database = current_app.config["SQLALCHEMY_DATABASE_URI"].encode()
    return f"oversight:{hashlib.sha1(database).hexdigest()[:12]}:{name}"


@lru_cache(maxsize=4)
def redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per Redis URL in this process."""
    return redis.Redis.from_url(url)


def _redis_lock(client: redis.Redis, key: str, ttl: int, token: str) -> Lock | None:
    lock = client.lock(key, timeout=ttl, blocking=False, thread_local=False)
    if not lock.acquire(token=token):
        # Ours already if an earlier delivery of this same task died holding it.
        lock.local.token = token.encode()
        try:
            lock.reacquire()
        except redis.exceptions.LockNotOwnedError:
            return None

    def release():
        try:
            lock.release()
        except redis.exceptions.LockNotOwnedError:
            pass  # expired while we worked; whoever holds it now keeps it

    return Lock(key, token, release)


def _lease_lock(name: str, ttl: int, token: str) -> Lock | None:
    now = utcnow()
    expires_at = now + timedelta(seconds=ttl)
    # A connection of its own: the lease commits at once, whatever the caller's session does.
    with db.engine.begin() as conn:
        conn.execute(dialect_insert(Lease).values(name=name, holder=token, expires_at=expires_at)
                     .on_conflict_do_nothing(index_elements=["name"]))
        taken = conn.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == token, Lease.expires_at < now))
            .values(holder=token, expires_at=expires_at)
        ).rowcount
    if taken != 1:
        return None

    def release():
        with db.engine.begin() as conn:
            conn.execute(delete(Lease).where(Lease.name == name, Lease.holder == token))

    return Lock(name, token, release)
