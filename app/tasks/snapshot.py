"""The daily snapshot of admissions and population."""
from celery import shared_task

from ..models.types import utcnow
from ..services.snapshot import catch_up
from . import REDELIVERED_IF_LOST


@shared_task(ignore_result=True, soft_time_limit=10 * 60, time_limit=12 * 60, **REDELIVERED_IF_LOST)
def daily_snapshot() -> int:
    """Yesterday in America/Chicago (beat runs in UTC), plus any day missed since the last
    snapshot (an outage), up to a week back."""
    return catch_up(utcnow())
