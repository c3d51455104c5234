"""DocumentCloud: each intake-sheet PDF is uploaded once, its processing followed, and what
the server reports (access, pages, text, URLs) written back to the Document row.

``sync_document`` advances one document by one step and says what should happen next; the
Celery task around it retries with a countdown while DocumentCloud is still processing, so
no worker ever sleeps in a polling loop.

Never twice: the DocumentCloud id is committed the moment ``upload()`` returns, and a
document is marked "uploading" (committed) before the call. If a worker dies inside the call,
the document was perhaps created on the server but we never learnt its id; the next attempt
finds it through its ``uid`` data key and adopts it (or deletes it if its file never arrived)
instead of creating a second one.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from documentcloud import DocumentCloud
from documentcloud.exceptions import CredentialsFailedError, DoesNotExistError
from flask import current_app
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Document
from ..models.types import utcnow

# Uploads (and re-processing requests) per document before it is marked failed and left for
# a person to look at (``flask documents retry``).
MAX_ATTEMPTS = 5

# What sync_document returns: the document's status after the step, or one of these.
MISSING_FILE = "missing_file"   # the PDF is gone from disk before upload: render it again


def is_configured() -> bool:
    config = current_app.config
    return bool(config.get("DOCUMENTCLOUD_USERNAME") and config.get("DOCUMENTCLOUD_PASSWORD"))


def build_client() -> DocumentCloud:
    """A client for the configured account. It signs in as it is built, so build it where it
    is used (inside the task), never at import time."""
    config = current_app.config
    return DocumentCloud(
        username=config["DOCUMENTCLOUD_USERNAME"],
        password=config["DOCUMENTCLOUD_PASSWORD"],
        base_uri=config["DOCUMENTCLOUD_BASE_URI"],
        auth_uri=config["DOCUMENTCLOUD_AUTH_URI"],
        timeout=config.get("DOCUMENTCLOUD_TIMEOUT", 20),
    )


def _fail(document: Document, reason: str) -> str:
    document.status = "failed"
    document.last_error = reason
    db.session.commit()
    return document.status


def sync_document(document_id: int) -> str:
    """Move one document forward: upload it if it has no DocumentCloud id yet, then read its
    state on the server. Returns the resulting status: "success", "processing" (ask again
    later), "not_configured", "failed", ... or ``MISSING_FILE``.

    Network trouble and server errors (``requests.RequestException``, ``APIError``)
    propagate: the caller retries later and nothing is lost, because every step is
    committed before the next call."""
    document = db.session.get(Document, document_id)
    if document is None:
        return "missing"
    if document.status in ("success", "failed"):
        return document.status
    if not is_configured():
        document.status = "not_configured"
        db.session.commit()
        return document.status
    try:
        client = build_client()
        if document.dc_id is None:
            outcome = _upload(client, document)
            if outcome is not None:
                return outcome
        return _refresh(client, document)
    except CredentialsFailedError:
        return _fail(document, "DocumentCloud refused the configured credentials "
                               "(DOCUMENTCLOUD_USERNAME / DOCUMENTCLOUD_PASSWORD)")


def _orphans(client, document: Document) -> list:
    """Documents earlier, interrupted uploads of this one created on the server."""
    return [found for found in client.documents.search(f'data_uid:"{document.title}"')
            if (found.data or {}).get("uid") == document.title]


def _upload(client, document: Document) -> str | None:
    """Upload the PDF and commit its id. Returns a final status, or None to go on polling."""
    if document.status == "uploading":
        orphans = _orphans(client, document)
        for orphan in orphans:
            if orphan.status == "nofile":
                client.documents.delete(orphan.id)   # created, but its file never arrived
        received = [orphan for orphan in orphans if orphan.status != "nofile"]
        if received:
            document.dc_id = str(received[0].id)
            document.status = "processing"
            db.session.commit()
            return None
    if document.attempts >= MAX_ATTEMPTS:
        return _fail(document, f"not uploaded after {document.attempts} attempts: {document.last_error}")
    path = Path(document.path or "")
    if not path.is_file():
        document.status = "pending"
        document.last_error = f"PDF missing from {path}; rendering it again"
        db.session.commit()
        return MISSING_FILE

    config = current_app.config
    booking = document.booking
    options = {
        "title": document.title or booking.UID,
        "access": config["DOCUMENTCLOUD_ACCESS"],
        "source": booking.jail.name,
        "data": {"jail": booking.jail.code, "uid": document.title or booking.UID},
    }
    if config.get("DOCUMENTCLOUD_PROJECT"):
        options["project"] = int(config["DOCUMENTCLOUD_PROJECT"])

    document.status = "uploading"
    document.attempts += 1
    db.session.commit()
    with path.open("rb") as pdf:
        uploaded = client.documents.upload(pdf, **options)
    # Committed before anything else can fail: from here on a retry polls, never re-uploads.
    document.dc_id = str(uploaded.id)
    document.status = "processing"
    document.uploaded_at = utcnow()
    document.last_error = None
    db.session.commit()
    return None


def _upload_again(client, document: Document, status: str, reason: str) -> str:
    """Forget the remote document and start over with a fresh upload (the state is committed
    first, so a crash mid-upload leaves it saying why)."""
    document.dc_id, document.status, document.last_error = None, status, reason
    db.session.commit()
    return _upload(client, document) or _refresh(client, document)


def _refresh(client, document: Document) -> str:
    document.updated_at = utcnow()   # when it was last checked: the sweep leaves it alone
    try:
        remote = client.documents.get(int(document.dc_id))
    except DoesNotExistError:
        # Deleted on the server (by someone, or never finished): upload it again.
        return _upload_again(client, document, "rendered",
                             "the DocumentCloud document no longer exists; uploading again")

    if remote.status == "success":
        document.access = remote.access
        document.pages = remote.page_count
        document.full_text = without_blank_lines(remote.full_text)
        document.canonical_url = remote.canonical_url
        document.pdf_url = remote.pdf_url
        document.title = remote.title
        document.status = "success"
        document.last_error = None
    elif remote.status in ("pending", "readable"):
        document.status = "processing"
    elif remote.status == "error":
        errors = "; ".join(str(e.get("message", e)) for e in remote.get_errors()) or "no details given"
        if document.attempts >= MAX_ATTEMPTS:
            return _fail(document, f"DocumentCloud could not process it: {errors}")
        document.attempts += 1
        document.status = "processing"
        document.last_error = f"processing failed ({errors}); asked DocumentCloud to try again"
        remote.process()
    elif remote.status == "nofile":
        # The server never received the file: start over with a fresh upload.
        client.documents.delete(remote.id)
        return _upload_again(client, document, "nofile", "DocumentCloud received no file; uploading again")
    else:
        document.last_error = f"unexpected DocumentCloud status {remote.status!r}"
    db.session.commit()
    return document.status


def without_blank_lines(text: str | None) -> str | None:
    if text is None:
        return None
    return "\n".join(line for line in text.splitlines() if line.strip())


def documents_to_sync(*, limit: int, stale_after: float) -> list[int]:
    """Documents whose upload or processing is unfinished and that nothing has touched for
    ``stale_after`` seconds: the task chained to each document normally finishes it within
    minutes, so these are the ones whose chain was lost. Documents waiting as
    "not_configured" are included at once when DocumentCloud is configured."""
    cutoff = utcnow() - timedelta(seconds=stale_after)
    lost = and_(Document.status.in_(("rendered", "uploading", "processing", "nofile", "error")),
                Document.updated_at < cutoff)
    waiting = Document.status == "not_configured"
    return db.session.execute(
        select(Document.id).where(or_(lost, waiting) if is_configured() else lost)
        .order_by(Document.id).limit(limit)
    ).scalars().all()
