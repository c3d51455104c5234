"""The hourly scrape: one task per active jail, so one slow site delays no other."""
from __future__ import annotations

import logging

from celery import shared_task

from ..services.locks import try_lock
from ..services.scrape import SCRAPE_TIME_LIMIT_SECONDS as SCRAPE_TIME_LIMIT
from ..services.scheduled_scrape import jails_due, scrape_on_schedule
from . import REDELIVERED_IF_LOST, compressed
from .documents import render_pdf

log = logging.getLogger(__name__)

SCRAPE_SOFT_LIMIT = SCRAPE_TIME_LIMIT - 5 * 60


def scrape_lock_ttl() -> int:
    """How long a scrape's lock lasts: as long as a run may take (the hard time limit), so
    runs never overlap. On a compressed schedule (tests, the demo) runs are replays lasting
    seconds, and a lock orphaned by a killed worker whose redelivered message then expired
    must not block the jail for dozens of compressed hours: there it lasts one scheduled
    hour, and never less than 30 s."""
    return int(min(SCRAPE_TIME_LIMIT, max(compressed(3600), 30)))


# Not acks_late: redelivering a fan-out after a crash would only queue the round twice, and
# a lost one is made up by the next hour's.
@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def scrape_all_jails() -> int:
    codes = jails_due()
    for code in codes:
        # Expires like the round that queued it: a backlog after an outage is dropped.
        scrape_jail.apply_async((code,), expires=compressed(50 * 60))
    return len(codes)


@shared_task(bind=True, ignore_result=True, soft_time_limit=SCRAPE_SOFT_LIMIT,
             time_limit=SCRAPE_TIME_LIMIT, **REDELIVERED_IF_LOST)
def scrape_jail(self, code: str) -> str:
    """Scrape one jail unless a scrape of it is still running, then queue the PDF of every
    booking seen for the first time."""
    lock = try_lock(f"scrape:{code}", ttl=scrape_lock_ttl(), token=self.request.id)
    if lock is None:
        log.info("scrape of %s skipped: the previous one is still running", code)
        return "skipped"
    with lock:
        outcome = scrape_on_schedule(code)
    if outcome is None:
        return "nothing to replay"
    for booking_id in outcome.new_booking_ids:
        render_pdf.delay(booking_id)
    log.info("%s", outcome.summary())
    return outcome.outcome
