"""DocumentCloud through the real python-documentcloud client, against a local fake server."""
from __future__ import annotations

from pathlib import Path

import pytest
from documentcloud import DocumentCloud
from documentcloud.exceptions import APIError
from requests import RequestException

from app.extensions import db
from app.models import Document
from app.services import documentcloud
from app.services.documentcloud import MAX_ATTEMPTS, documents_to_sync, sync_document
from app.services.pdf import render_intake_sheet

from .conftest import make_booking, make_jail
from .fake_documentcloud import PASSWORD, USERNAME, FakeDocumentCloud

SHEET = "<table><tr><td><b>Name:</b> DOE, JANE</td></tr><tr><td>CHARGE: TRESPASS</td></tr></table>"


@pytest.fixture
def server():
    fake = FakeDocumentCloud().start()
    yield fake
    fake.stop()


def configure(app, server, **extra):
    app.config.update(DOCUMENTCLOUD_USERNAME=USERNAME, DOCUMENTCLOUD_PASSWORD=PASSWORD,
                      DOCUMENTCLOUD_BASE_URI=server.api_url, DOCUMENTCLOUD_AUTH_URI=server.auth_url,
                      DOCUMENTCLOUD_ACCESS="public", **extra)


@pytest.fixture
def document(app_ctx, server) -> Document:
    configure(app_ctx, server)
    booking = make_booking(make_jail("hcdc"), "123456", bk="123456", raw_html=SHEET)
    db.session.commit()
    return render_intake_sheet(booking.id)[0]


def reload(document: Document) -> Document:
    db.session.expire_all()
    return db.session.get(Document, document.id)


def test_upload_then_write_back(document, server, app_ctx):
    app_ctx.config["DOCUMENTCLOUD_PROJECT"] = "42"
    assert sync_document(document.id) == "processing"
    doc = reload(document)
    assert doc.dc_id is not None and doc.uploaded_at is not None and doc.attempts == 1
    [create] = server.creates
    assert create == {"title": "hcdc_0000123456", "access": "public", "source": "Hinds County Detention Center",
                      "data": {"jail": "hcdc", "uid": "hcdc_0000123456"}, "projects": [42]}
    assert server.documents[int(doc.dc_id)].file == Path(doc.path).read_bytes()

    assert sync_document(document.id) == "success"
    doc = reload(document)
    remote = server.documents[int(doc.dc_id)]
    assert (doc.access, doc.pages, doc.title) == ("public", 1, "hcdc_0000123456")
    assert doc.canonical_url == f"{server.base}/documents/{remote.id}-{remote.slug}/"
    assert doc.pdf_url == f"{server.base}/files/documents/{remote.id}/{remote.slug}.pdf"
    assert "DOE, JANE" in doc.full_text and "\n\n" not in doc.full_text
    requests_so_far = len(server.log)
    assert sync_document(document.id) == "success"
    assert len(server.log) == requests_so_far                      # finished: nothing more asked
    assert ("POST", "/auth/token/", 200) in server.log             # signed in with the password


def test_without_credentials_documents_wait(app_ctx, server):
    booking = make_booking(make_jail("hcdc"), "1", raw_html=SHEET)
    db.session.commit()
    doc = render_intake_sheet(booking.id)[0]
    assert sync_document(doc.id) == "not_configured"
    assert server.log == []
    assert documents_to_sync(limit=10, stale_after=0) == []
    configure(app_ctx, server)
    assert documents_to_sync(limit=10, stale_after=3600) == [doc.id]   # no chain to wait for
    assert sync_document(doc.id) == "processing"
    assert documents_to_sync(limit=10, stale_after=3600) == []         # its chain is on it
    assert documents_to_sync(limit=10, stale_after=0) == [doc.id]


def test_refused_credentials_fail_the_document(document, server, app_ctx):
    app_ctx.config["DOCUMENTCLOUD_PASSWORD"] = "wrong"
    assert sync_document(document.id) == "failed"
    assert "refused the configured credentials" in reload(document).last_error
    assert server.creates == []


def test_server_error_is_retried_later_without_duplicates(document, server):
    server.add_fault("POST", r"^/api/documents/$", status=500, times=100)  # down for a while
    with pytest.raises(APIError):
        sync_document(document.id)
    assert reload(document).status == "uploading" and server.creates == []
    server.faults.clear()                                                   # and back
    assert sync_document(document.id) == "processing"
    assert sync_document(document.id) == "success"
    assert len(server.live_documents()) == 1


def test_interrupted_upload_is_not_duplicated(document, server):
    """Created on the server, then the file transfer dies: the id never reached us."""
    server.add_fault("PUT", r"^/s3/", status=500, times=100)
    with pytest.raises(RequestException):
        sync_document(document.id)
    server.faults.clear()
    doc = reload(document)
    assert (doc.status, doc.dc_id) == ("uploading", None)
    assert [d.status for d in server.live_documents()] == ["nofile"]

    assert sync_document(document.id) == "processing"    # the half-made one is deleted, not kept
    assert sync_document(document.id) == "success"
    assert len(server.creates) == 2 and len(server.live_documents()) == 1
    assert server.live_documents()[0].id == int(reload(document).dc_id)


def test_upload_whose_id_was_lost_is_adopted(document, server, app_ctx):
    """The worker died after the server had the file but before the id was committed."""
    client = DocumentCloud(USERNAME, PASSWORD, base_uri=server.api_url, auth_uri=server.auth_url)
    with open(document.path, "rb") as pdf:
        made = client.documents.upload(pdf, title=document.title, data={"jail": "hcdc", "uid": document.title})
    document.status = "uploading"
    db.session.commit()
    assert sync_document(document.id) == "processing"
    assert reload(document).dc_id == str(made.id)
    assert sync_document(document.id) == "success"
    assert len(server.creates) == 1


def test_every_half_made_upload_is_cleared(document, server):
    """Two earlier attempts each created a document whose file never arrived."""
    client = DocumentCloud(USERNAME, PASSWORD, base_uri=server.api_url, auth_uri=server.auth_url)
    for _ in range(2):
        client.post("documents/", json={"title": document.title, "data": {"jail": "hcdc", "uid": document.title}})
    document.status = "uploading"
    db.session.commit()
    assert sync_document(document.id) == "processing"
    assert len(server.live_documents()) == 1 and len(server.creates) == 3


def test_slow_processing_is_polled_step_by_step(document, server):
    server.processing_checks = 4
    assert [sync_document(document.id) for _ in range(4)] == ["processing"] * 3 + ["success"]
    assert len(server.creates) == 1


def test_processing_error_is_reprocessed(document, server):
    server.fail_processing_titles.add(document.title)
    assert sync_document(document.id) == "processing"
    assert sync_document(document.id) == "processing"                # error seen: asked to reprocess
    doc = reload(document)
    assert "The PDF could not be read" in doc.last_error and doc.attempts == 2
    assert [sync_document(document.id) for _ in range(2)] == ["processing", "success"]
    assert len(server.creates) == 1 and reload(document).last_error is None


def test_processing_that_keeps_failing_gives_up(document, server):
    assert sync_document(document.id) == "processing"
    remote = server.documents[int(reload(document).dc_id)]
    for _ in range(MAX_ATTEMPTS + 1):
        remote.fail_processing = True
        remote.status, remote.checks_left = "pending", 1
        status = sync_document(document.id)
    assert status == "failed"
    assert "could not process it" in reload(document).last_error


def test_file_that_never_arrived_is_uploaded_again(document, server):
    server.drop_file_titles.add(document.title)
    assert sync_document(document.id) == "processing"    # nofile seen at once: deleted, re-uploaded
    assert sync_document(document.id) == "success"
    assert len(server.creates) == 2 and len(server.live_documents()) == 1


def test_document_deleted_on_the_server_is_uploaded_again(document, server):
    assert sync_document(document.id) == "processing"
    server.documents.clear()
    assert sync_document(document.id) == "processing"
    assert sync_document(document.id) == "success"
    assert len(server.creates) == 2


def test_expired_token_is_renewed(document, server):
    server.add_fault("POST", r"/process/$", expire_tokens=True)   # mid-upload
    assert sync_document(document.id) == "processing"
    assert ("POST", "/auth/refresh/", 200) in server.log
    assert sync_document(document.id) == "success"
    assert len(server.creates) == 1


def test_missing_pdf_is_rendered_again_before_upload(document, server):
    Path(document.path).unlink()
    assert sync_document(document.id) == documentcloud.MISSING_FILE
    assert reload(document).status == "pending" and server.creates == []
    assert render_intake_sheet(document.booking_id)[1]
    assert reload(document).status == "rendered" and Path(document.path).is_file()
    assert sync_document(document.id) == "processing"
