"""Celery tasks: thin wrappers around the plain service functions in ``app.services``.

Each task states its own time limits (always below the broker's visibility timeout, see
celeryconfig.py). Tasks whose repetition is harmless acknowledge their message only when
done (``acks_late``) and hand it back if their worker process dies mid-task
(``reject_on_worker_lost``), so a killed worker loses nothing; the locks they take accept
the redelivered message as the same holder (app.services.locks).
"""
from flask import current_app

# Settings shared by every idempotent task.
REDELIVERED_IF_LOST = {"acks_late": True, "reject_on_worker_lost": True}


def compressed(seconds: float) -> float:
    """A duration on the schedule's clock: SCHEDULE_SPEEDUP compresses waits as it compresses
    the beat schedule (tests and the demo)."""
    return seconds / max(1, current_app.config.get("SCHEDULE_SPEEDUP", 1))
