"""The intake-sheet PDF: the first version of a booking's intake sheet, rendered by WeasyPrint
from the HTML stored when the booking was first seen (never from the live page, which may be
gone or show someone else by the time we look).

The stored HTML came from a county website and is untrusted. Two independent guards:

* ``sanitize_sheet`` keeps only structural, text-bearing markup (tables, headings, lists...)
  and drops scripts, styles, frames, images, forms and every attribute but colspan/rowspan;
  text is re-serialised, so anything that looks like markup in it stays literal text;
* ``AssetsOnlyFetcher`` is WeasyPrint's URL fetcher: it serves files from our own PDF assets
  directory and refuses everything else (http, https, data:, any other file: path), so a
  page that slipped past the sanitiser still fetches nothing.
"""
from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select, update
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..extensions import db
from ..models import Booking, BookingVersion, Document, ScrapeRun
from ..models.types import utcnow
from .sql import dialect_insert

ASSETS_DIR = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "assets"
STYLESHEET = ASSETS_DIR / "intake_sheet.css"

# Markup that carries the sheet's text and layout. Anything else is unwrapped (its text kept)
# unless it is in DROPPED, which goes with all its content.
KEPT_TAGS = {
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col",
    "div", "span", "p", "br", "hr", "b", "strong", "i", "em", "u", "small", "big", "sub", "sup",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre", "code",
    "blockquote", "center", "label", "fieldset", "legend", "section", "article",
}
DROPPED_TAGS = {
    "script", "style", "link", "meta", "base", "head", "title", "iframe", "frame", "frameset",
    "object", "embed", "applet", "noscript", "template", "svg", "math", "img", "picture",
    "source", "video", "audio", "track", "canvas", "map", "area", "input", "button", "select",
    "textarea", "option", "form",
}
KEPT_ATTRIBUTES = {"colspan", "rowspan"}
MAX_RENDER_ATTEMPTS = 3


def sanitize_sheet(raw_html: str) -> Markup:
    """The intake sheet's HTML reduced to safe, inert markup."""
    soup = BeautifulSoup(raw_html or "", "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.name not in KEPT_TAGS:
            tag.unwrap()
            continue
        tag.attrs = {name: value for name, value in tag.attrs.items()
                     if name in KEPT_ATTRIBUTES and isinstance(value, str) and value.isdigit()}
    # BeautifulSoup re-escapes text on output: '<' in text stays '&lt;'.
    return Markup("".join(str(node) for node in soup.contents
                          if isinstance(node, (Tag, NavigableString))))


class AssetsOnlyFetcher(URLFetcher):
    """Serves our own PDF assets and refuses every other URL (recorded in ``refused``)."""

    def __init__(self, root: Path = ASSETS_DIR):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._asset_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"not one of the PDF assets: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": content_type})

    def _asset_path(self, url: str) -> Path | None:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parsed.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


class Renderer:
    """Renders sheets, reusing one font configuration and the parsed stylesheet (both are
    costly to build; a worker process keeps one Renderer for its lifetime)."""

    def __init__(self):
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(STYLESHEET), font_config=self.font_config,
                              url_fetcher=AssetsOnlyFetcher())

    def render(self, html: str) -> tuple[bytes, list[str]]:
        """PDF bytes for a complete HTML document, and the URLs it was refused."""
        fetcher = AssetsOnlyFetcher()
        pdf = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=[self.stylesheet], font_config=self.font_config)
        return pdf, fetcher.refused


_renderer: Renderer | None = None


def renderer() -> Renderer:
    global _renderer
    if _renderer is None:
        _renderer = Renderer()
    return _renderer


def first_version(booking_id: int) -> BookingVersion | None:
    return db.session.execute(
        select(BookingVersion).where(BookingVersion.booking_id == booking_id)
        .order_by(BookingVersion.fetched_at, BookingVersion.id).limit(1)
    ).scalar_one_or_none()


def sheet_html(booking: Booking, version: BookingVersion) -> str:
    """The complete HTML document for ``version`` of ``booking``'s intake sheet."""
    tz = ZoneInfo(booking.jail.timezone)
    captured = version.fetched_at
    return render_template(
        "pdf/intake_sheet.html",
        title=booking.UID,
        jail_name=booking.jail.name,
        source_url=version.source_url or booking.link,
        captured_local=captured.astimezone(tz).strftime("%B %-d, %Y %-I:%M %p %Z"),
        captured_utc=captured.strftime("%Y-%m-%d %H:%M UTC"),
        sheet=sanitize_sheet(version.raw_html),
    )


def document_path(booking: Booking) -> Path:
    return Path(current_app.config["DOCUMENTS_DIR"]) / booking.jail.code / f"{booking.UID}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rendering-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_intake_sheet(booking_id: int) -> tuple[Document | None, bool]:
    """Render the first version of the booking's intake sheet to ``DOCUMENTS_DIR`` and record
    it as the booking's Document. Returns (document, whether a PDF was written now).

    Idempotent: a document whose file is on disk (or already at DocumentCloud) is left alone;
    rendering is deterministic, so a repeat would write the same bytes anyway. The document
    is None when there is no stored sheet to render (e.g. a docket without detail pages)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return None, False
    document = booking.document
    if document is not None and document.path and (document.dc_id or Path(document.path).is_file()):
        return document, False
    version = first_version(booking_id)
    if version is None or not (version.raw_html or "").strip():
        return None, False

    # The attempt is counted before rendering: a sheet that crashes its worker (the task is
    # then redelivered) or keeps failing is given up on after a few tries, not forever.
    if _count_render_attempt(booking_id) > MAX_RENDER_ATTEMPTS:
        document = db.session.execute(select(Document).where(Document.booking_id == booking_id)).scalar_one()
        document.status = "failed"
        document.last_error = f"the PDF could not be rendered in {MAX_RENDER_ATTEMPTS} attempts"
        db.session.commit()
        return document, False

    pdf, _refused = renderer().render(sheet_html(booking, version))
    path = document_path(booking)
    _write_atomically(path, pdf)
    # A chained render and a sweep's may race: both wrote the same bytes to the same file.
    db.session.execute(
        update(Document).where(Document.booking_id == booking_id, Document.dc_id.is_(None))
        .values(path=str(path), sha256=hashlib.sha256(pdf).hexdigest(), version_id=version.id,
                rendered_at=utcnow(), title=booking.UID, attempts=0, last_error=None,
                status=case((Document.status == "pending", "rendered"), else_=Document.status))
        .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    return db.session.execute(select(Document).where(Document.booking_id == booking_id)).scalar_one(), True


def _count_render_attempt(booking_id: int) -> int:
    """Record one more render attempt (creating the booking's Document row, status
    "pending", on the first); returns the attempts so far."""
    insert = dialect_insert(Document)
    attempts = db.session.execute(
        insert.values(booking_id=booking_id, status="pending", attempts=1, updated_at=utcnow())
        .on_conflict_do_update(index_elements=["booking_id"], set_={"attempts": Document.attempts + 1})
        .returning(Document.attempts)
    ).scalar_one()
    db.session.commit()
    return attempts


def bookings_without_pdf(limit: int, *, left_to_chain: float = 0) -> list[int]:
    """Bookings with a stored intake sheet but no rendered PDF yet (oldest first), leaving out
    those stored by a run that started less than ``left_to_chain`` seconds ago (the task
    chained to that run is rendering them)."""
    return db.session.execute(
        _without_pdf(left_to_chain).order_by(Booking.id).limit(limit)).scalars().all()


def count_bookings_without_pdf(limit: int = 1_000_000) -> int:
    """How many bookings wait for their PDF (up to ``limit``), counted in the database."""
    return db.session.scalar(select(func.count()).select_from(_without_pdf(0).limit(limit).subquery()))


def _without_pdf(left_to_chain: float):
    recently_stored = (select(BookingVersion.id)
                       .join(ScrapeRun, ScrapeRun.id == BookingVersion.scrape_run_id)
                       .where(BookingVersion.booking_id == Booking.id,
                              ScrapeRun.started_at > utcnow() - timedelta(seconds=left_to_chain))
                       .exists())
    first_sheet = (select(BookingVersion.raw_html)
                   .where(BookingVersion.booking_id == Booking.id)
                   .order_by(BookingVersion.fetched_at, BookingVersion.id).limit(1)
                   .scalar_subquery())
    has_sheet = func.trim(func.coalesce(first_sheet, "")) != ""
    return (select(Booking.id)
            .outerjoin(Document, Document.booking_id == Booking.id)
            .where(has_sheet, ~recently_stored, or_(Document.id.is_(None),
                                  and_(Document.dc_id.is_(None), Document.status == "pending"))))
