"""The raw-page archive: every page a scrape received, kept so today's parser can re-read
yesterday's pages (``flask scrape reparse``).

Bodies are content-addressed: stored once per distinct body under ``ARCHIVE_DIR`` as
``ab/cd/<sha256>.gz``, so an unchanged roster fetched every hour costs no disk. The
``fetched_pages`` table indexes them by jail, run, URL and capture time.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select

from ..extensions import db
from ..models import FetchedPage
from ..scrapers.fetch import Fetcher, Page, cassette_key, decode_body, header


def body_path(root: str | os.PathLike, sha256: str) -> Path:
    return Path(root) / sha256[:2] / sha256[2:4] / f"{sha256}.gz"


def store_body(root: str | os.PathLike, body: bytes) -> str:
    """Keep ``body`` (once) and return its sha256."""
    sha = hashlib.sha256(body).hexdigest()
    path = body_path(root, sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file, and two workers
        # storing the same page at once both succeed.
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        with os.fdopen(fd, "wb") as out:
            out.write(gzip.compress(body, compresslevel=6))
        os.replace(partial, path)
    return sha


def read_body(root: str | os.PathLike, sha256: str) -> bytes:
    return gzip.decompress(body_path(root, sha256).read_bytes())


class PageArchive:
    """The ``on_page`` hook of one run's fetcher: stores each body as it arrives and
    collects its index row; ``save`` writes the rows in one statement."""

    def __init__(self, root: str | os.PathLike, jail_id: int, run_id: int | None = None):
        self.root = Path(root)
        self.jail_id = jail_id
        self.run_id = run_id
        self.rows: list[dict] = []

    def __call__(self, page: Page) -> None:
        self.rows.append({
            "jail_id": self.jail_id, "method": page.method, "url": page.url, "status": page.status,
            "content_type": header(page.headers, "Content-Type"),
            "sha256": store_body(self.root, page.body), "fetched_at": page.fetched_at,
        })

    def save(self) -> int:
        """Index the pages received so far (in the caller's transaction)."""
        if not self.rows:
            return 0
        for row in self.rows:
            row["scrape_run_id"] = self.run_id
        db.session.execute(insert(FetchedPage), self.rows)
        saved, self.rows = len(self.rows), []
        return saved


class ArchiveFetcher(Fetcher):
    """Serves the pages one archived run received, matched like a cassette (same method,
    URL and query multiset). A request the run never made is answered 404, so a scraper
    handles it like any page that is gone; the run's own failures replay as they were."""

    def __init__(self, root: str | os.PathLike, pages: list[FetchedPage], *, captured_at: datetime,
                 on_page=None):
        super().__init__(on_page=on_page)
        self.root = Path(root)
        self.captured_at = captured_at
        # A URL fetched twice in one run (a retry) replays as its last answer.
        self._pages = {cassette_key(p.method, p.url): p for p in pages}

    def _exchange(self, method: str, url: str, data) -> Page:
        archived = self._pages.get(cassette_key(method, url))
        if archived is None or archived.sha256 is None:
            status, headers, body = 404, {"Content-Type": "text/html"}, b""
        else:
            headers = {"Content-Type": archived.content_type} if archived.content_type else {}
            status, body = archived.status, read_body(self.root, archived.sha256)
        page = Page(method=method, url=url, status=status, headers=headers, body=body,
                    text=decode_body(body, headers.get("Content-Type")),
                    fetched_at=self.captured_at.astimezone(timezone.utc))
        self._received(page)
        return page


def archived_runs(jail_id: int):
    """The jail's archived pages, one run at a time, oldest run first: (run id, its pages)."""
    run_ids = db.session.scalars(
        select(FetchedPage.scrape_run_id).where(FetchedPage.jail_id == jail_id,
                                                FetchedPage.scrape_run_id.is_not(None))
        .distinct().order_by(FetchedPage.scrape_run_id)
    ).all()
    for run_id in run_ids:
        yield run_id, db.session.scalars(
            select(FetchedPage).where(FetchedPage.scrape_run_id == run_id).order_by(FetchedPage.id)
        ).all()
