"""Intake-sheet PDFs: rendered from the stored first version, sanitised, fetching nothing."""
from __future__ import annotations

import hashlib
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Document, ScrapeRun
from app.models.types import utcnow
from app.services.pdf import (
    ASSETS_DIR, MAX_RENDER_ATTEMPTS, bookings_without_pdf, render_intake_sheet, renderer, sanitize_sheet,
)

from .conftest import CAPTURED, add_version, make_booking, make_jail


def pdf_text(path) -> str:
    """The PDF's text, as poppler's pdftotext reads it (poppler-utils: scripts/system-deps.sh)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture
def mcdc_sheet(shared_dir) -> str:
    return (shared_dir / "dockets/mcdc/basic/t0/pages/ICUD0001.HTM").read_bytes().decode("cp1252")


def test_first_version_rendered_with_footer(app_ctx, mcdc_sheet):
    jail = make_jail("mcdc")
    booking = make_booking(jail, "BK0000012345 - 001", bk="BK0000012345", intake_number="BK0000012345 - 001",
                           raw_html=mcdc_sheet,
                           source_url="http://mydcstraining.com/agencyinfo/MS/4360/inmate/ICUD0001.HTM")
    add_version(booking, "<p>A LATER VERSION</p>", fetched_at=CAPTURED + timedelta(hours=2))
    db.session.commit()

    document = render_intake_sheet(booking.id)[0]

    path = Path(document.path)
    assert path == Path(app_ctx.config["DOCUMENTS_DIR"]) / "mcdc" / "mcdc_0000012345_001.pdf"
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (document.status, document.title, document.version_id) == (
        "rendered", "mcdc_0000012345_001", booking.versions[0].id)
    text = pdf_text(path)
    assert "INTAKE #: BK0000011872 - 002" in text and "ASHFORD, TERRANCE DEWAYNE" in text
    assert "A LATER VERSION" not in text                             # only the first version
    assert "Madison County Detention Center" in text
    assert "http://mydcstraining.com/agencyinfo/MS/4360/inmate/ICUD0001.HTM" in text
    assert "Captured November 5, 2019 2:15 PM CST (2019-11-05 20:15 UTC)" in text
    assert "Page 1 of" in text


def test_rendering_is_idempotent_and_deterministic(app_ctx, mcdc_sheet):
    booking = make_booking(make_jail("mcdc"), "K1", raw_html=mcdc_sheet)
    db.session.commit()
    first, rendered = render_intake_sheet(booking.id)
    assert rendered
    path, sha = Path(first.path), first.sha256
    stamp = path.stat().st_mtime_ns
    assert render_intake_sheet(booking.id) == (first, False)         # not rendered again
    assert path.stat().st_mtime_ns == stamp
    path.unlink()
    again, rendered = render_intake_sheet(booking.id)
    assert rendered and again.sha256 == sha and path.is_file()       # same bytes when redone
    assert db.session.query(Document).count() == 1


def test_a_sheet_that_keeps_failing_is_given_up(app_ctx):
    """Each attempt is counted before rendering, so a sheet that crashes its worker every
    time (and is redelivered every time) stops after a few attempts."""
    booking = make_booking(make_jail("mcdc"), "K1")
    db.session.add(Document(booking_id=booking.id, status="pending", attempts=MAX_RENDER_ATTEMPTS))
    db.session.commit()
    document, rendered = render_intake_sheet(booking.id)
    assert not rendered and document.status == "failed" and document.path is None
    assert "could not be rendered in 3 attempts" in document.last_error
    assert bookings_without_pdf(limit=10) == []
    document.status, document.attempts = "pending", 1     # e.g. after flask documents retry
    db.session.commit()
    document, rendered = render_intake_sheet(booking.id)
    assert rendered and (document.status, document.attempts) == ("rendered", 0)


def test_nothing_to_render_without_a_stored_sheet(app_ctx):
    jail = make_jail("jcj")
    no_versions = make_booking(jail, "card-only", raw_html=None)
    empty_sheet = make_booking(jail, "empty", raw_html="   ")
    with_sheet = make_booking(jail, "sheet")
    db.session.commit()
    assert bookings_without_pdf(limit=10) == [with_sheet.id]
    assert render_intake_sheet(no_versions.id)[0] is None
    assert render_intake_sheet(empty_sheet.id)[0] is None
    render_intake_sheet(with_sheet.id)
    assert bookings_without_pdf(limit=10) == []


def test_sweep_leaves_fresh_bookings_to_their_chained_render(app_ctx):
    jail = make_jail("hcdc")
    run = ScrapeRun(jail_id=jail.id, started_at=utcnow(), outcome="success")
    db.session.add(run)
    db.session.flush()
    fresh = make_booking(jail, "fresh")
    fresh.versions[0].scrape_run_id = run.id
    older = make_booking(jail, "older")
    db.session.commit()
    assert bookings_without_pdf(limit=10, left_to_chain=600) == [older.id]
    assert bookings_without_pdf(limit=10) == [fresh.id, older.id]


HOSTILE = """<html><head>
<link rel="stylesheet" href="{remote}/style.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>@import url("{remote}/import.css"); body {{ background: url("file:///etc/passwd") }}</style>
<base href="{remote}/">
<script>document.write("INJECTED BY SCRIPT")</script>
</head><body onload="alert(1)">
<h1 style="background-image: url('{remote}/inline.png')">JOHN DOE</h1>
<img src="{remote}/mugshot.jpg" alt="photo">
<img src="file:///etc/passwd">
<iframe src="file:///etc/passwd"></iframe>
<object data="{remote}/object.pdf"></object>
<svg><image href="{remote}/svg.png"/></svg>
<table><tr><td colspan="2" onclick="x()">CHARGE &lt;b&gt;ASSAULT&lt;/b&gt;</td></tr></table>
<a href="javascript:alert(1)">LINK TEXT KEPT</a>
<!-- a comment --><form action="{remote}/post"><input value="FORM VALUE"></form>
</body></html>"""


def test_hostile_sheet_is_sanitised_and_fetches_nothing(app_ctx, httpserver):
    remote = httpserver.url_for("").rstrip("/")
    hostile = HOSTILE.format(remote=remote)
    booking = make_booking(make_jail("mcdc"), "EVIL", raw_html=hostile,
                           source_url='http://x.example/"><script>alert(1)</script>')
    db.session.commit()

    cleaned = str(sanitize_sheet(hostile))
    for gone in ("<script", "<style", "<link", "<img", "<iframe", "<object", "<svg", "<form",
                 "<input", "<a ", "<base", "onload", "onclick", "style=", "file:", "javascript:",
                 remote, "a comment"):
        assert gone not in cleaned, gone
    assert '<td colspan="2">CHARGE &lt;b&gt;ASSAULT&lt;/b&gt;</td>' in cleaned

    document = render_intake_sheet(booking.id)[0]
    text = pdf_text(document.path)
    assert "JOHN DOE" in text and "LINK TEXT KEPT" in text
    assert "CHARGE <b>ASSAULT</b>" in text                            # markup in text stays text
    assert "INJECTED BY SCRIPT" not in text and "root:" not in text and "FORM VALUE" not in text
    assert 'http://x.example/"><script>alert(1)</script>' in text     # footer value, escaped
    assert httpserver.log == []


def test_fetcher_alone_refuses_everything_but_our_assets(app_ctx, httpserver, tmp_path):
    """Even unsanitised HTML fetches nothing: the second guard on its own."""
    remote = httpserver.url_for("").rstrip("/")
    secret = tmp_path / "secret.css"
    secret.write_text("h1 { color: red }")
    outside = ASSETS_DIR / ".." / ".." / ".." / "__init__.py"
    own_css = (ASSETS_DIR / "intake_sheet.css").as_uri()
    html = HOSTILE.format(remote=remote) + (
        f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="{outside.as_uri()}">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        f'<link rel="stylesheet" href="{own_css}">')
    pdf, refused = renderer().render(html)
    assert pdf.startswith(b"%PDF")
    assert httpserver.log == []
    assert any(url.startswith(remote) for url in refused)
    assert any("etc/passwd" in url for url in refused)
    assert secret.as_uri() in refused
    assert any(url.endswith("__init__.py") for url in refused)        # ../ out of the assets
    assert any(url.startswith("data:") for url in refused)
    assert not any(url.endswith("intake_sheet.css") for url in refused)   # our own asset loads
