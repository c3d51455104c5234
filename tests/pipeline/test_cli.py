"""The pipeline's commands: flask documents ... and flask polish."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Document

from .conftest import make_booking, make_jail
from .fake_documentcloud import PASSWORD, USERNAME, FakeDocumentCloud


@pytest.fixture
def sheets(app_ctx):
    jail = make_jail("hcdc")
    for n in range(3):
        make_booking(jail, f"{n}", raw_html=f"<p>PERSON {n}</p>")
    make_booking(jail, "no-sheet", raw_html=None)
    db.session.commit()


def documents() -> list[Document]:
    db.session.expire_all()
    return db.session.scalars(select(Document).order_by(Document.id)).all()


def test_documents_lifecycle(sheets, runner, app_ctx):
    result = runner.invoke(args=["documents", "status"])
    assert result.exit_code == 0
    assert "bookings waiting for a PDF: 3" in result.output
    assert "DocumentCloud is not configured" in result.output

    result = runner.invoke(args=["documents", "render"])
    assert (result.exit_code, result.output.strip()) == (0, "rendered 3 PDFs")
    assert runner.invoke(args=["documents", "render"]).output.strip() == "rendered 0 PDFs"
    assert all(Path(d.path).is_file() for d in documents())

    server = FakeDocumentCloud().start()
    try:
        app_ctx.config.update(DOCUMENTCLOUD_USERNAME=USERNAME, DOCUMENTCLOUD_PASSWORD=PASSWORD,
                              DOCUMENTCLOUD_BASE_URI=server.api_url, DOCUMENTCLOUD_AUTH_URI=server.auth_url)
        result = runner.invoke(args=["documents", "sync"])
        assert (result.exit_code, result.output.strip()) == (0, "3 documents: 3 processing")
        assert runner.invoke(args=["documents", "sync"]).output.strip() == "3 documents: 3 success"

        # prune: only files whose DocumentCloud record is complete go
        first = documents()[0]
        first.status = "failed"
        db.session.commit()
        assert runner.invoke(args=["documents", "prune"]).output.strip() == "removed 2 local PDFs held by DocumentCloud"
        kept = documents()
        assert [Path(d.path).is_file() for d in kept] == [True, False, False]

        result = runner.invoke(args=["documents", "retry"])
        assert result.output.strip() == "1 failed documents will be tried again"
        assert documents()[0].status == "rendered"
    finally:
        server.stop()


def test_polish_command(sheets, runner):
    result = runner.invoke(args=["polish"])
    assert result.exit_code == 0
    assert result.output.startswith("polished 4 bookings:")
