"""The four-hourly polish of changed bookings."""
from celery import shared_task

from ..services.locks import try_lock
from ..services.polish import polish as run_polish
from . import REDELIVERED_IF_LOST

POLISH_TIME_LIMIT = 30 * 60


@shared_task(bind=True, ignore_result=True, soft_time_limit=POLISH_TIME_LIMIT - 5 * 60,
             time_limit=POLISH_TIME_LIMIT, **REDELIVERED_IF_LOST)
def polish(self) -> str:
    lock = try_lock("polish", ttl=POLISH_TIME_LIMIT, token=self.request.id)
    if lock is None:
        return "skipped"
    with lock:
        return run_polish().summary()
