"""Intake-sheet PDFs and their DocumentCloud records."""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError
from documentcloud.exceptions import APIError
from requests import RequestException

from ..extensions import db
from ..models import Document
from ..services import documentcloud
from ..services.locks import try_lock
from ..services.pdf import bookings_without_pdf, render_intake_sheet
from . import REDELIVERED_IF_LOST, compressed

log = logging.getLogger(__name__)

UPLOAD_TIME_LIMIT = 5 * 60
# DocumentCloud processing is checked every POLL_SECONDS, at most POLL_CHECKS times per task
# chain (20 minutes); a document still processing after that is picked up again by the
# hourly sweep.
POLL_SECONDS = 30
POLL_CHECKS = 40
SWEEP_BATCH = 500
# The sweep leaves a new PDF or document to its own task chain for this long (real time:
# rendering, uploads and DocumentCloud's processing take what they take, whatever the
# schedule's speed).
LEFT_TO_ITS_CHAIN = 10 * 60


@shared_task(ignore_result=True, soft_time_limit=90, time_limit=120, **REDELIVERED_IF_LOST)
def render_pdf(booking_id: int) -> str:
    document, rendered = render_intake_sheet(booking_id)
    if document is None:
        return "nothing to render"
    if rendered:    # a PDF already on file has its upload chain already
        upload_document.delay(document.id)
    return document.status


@shared_task(bind=True, ignore_result=True, soft_time_limit=UPLOAD_TIME_LIMIT - 60,
             time_limit=UPLOAD_TIME_LIMIT, autoretry_for=(RequestException, APIError),
             retry_backoff=POLL_SECONDS, retry_backoff_max=10 * 60, retry_jitter=True,
             max_retries=POLL_CHECKS, **REDELIVERED_IF_LOST)
def upload_document(self, document_id: int) -> str:
    """Upload one document to DocumentCloud and follow its processing to the end."""
    lock = try_lock(f"document:{document_id}", ttl=UPLOAD_TIME_LIMIT, token=self.request.id)
    if lock is None:
        return "busy"
    with lock:
        status = documentcloud.sync_document(document_id)
    if status == documentcloud.MISSING_FILE:
        render_pdf.delay(db.session.get(Document, document_id).booking_id)
    elif status == "processing":
        try:
            raise self.retry(countdown=max(1, compressed(POLL_SECONDS)))
        except MaxRetriesExceededError:
            log.warning("document %s still processing after %s checks; the sweep will look again",
                        document_id, POLL_CHECKS)
    return status


# acks_late: a sweep only queues work whose repetition is harmless.
@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150, **REDELIVERED_IF_LOST)
def sweep_documents() -> tuple[int, int]:
    """Catch up: PDFs for bookings that have none yet, and every document whose upload or
    processing is unfinished and not being worked on."""
    to_render = bookings_without_pdf(limit=SWEEP_BATCH, left_to_chain=LEFT_TO_ITS_CHAIN)
    for booking_id in to_render:
        render_pdf.delay(booking_id)
    to_sync = documentcloud.documents_to_sync(limit=SWEEP_BATCH, stale_after=LEFT_TO_ITS_CHAIN)
    for document_id in to_sync:
        upload_document.delay(document_id)
    return len(to_render), len(to_sync)
