"""``run_scrape`` itself: the page archive, a fetcher handed in, and the detail refresh budget."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import FetchedPage, Jail
from app.scrapers.fetch import CassetteFetcher, FetchError
from app.services.archive import ArchiveFetcher, body_path, read_body
from app.services.scrape import detail_skipper, run_scrape

from .conftest import bookings, held_keys, versions


def test_every_page_is_archived_once_and_replays_from_the_archive(app, app_ctx, seeded, shared_dir):
    moment = shared_dir / "dockets" / "jcdc" / "basic" / "t0"
    seen_by_caller = []
    fetcher = CassetteFetcher(moment, on_page=seen_by_caller.append)
    outcome = run_scrape("jcdc", fetcher=fetcher)

    assert outcome.outcome == "success" and outcome.as_of == fetcher.captured_at
    pages = db.session.scalars(select(FetchedPage).where(FetchedPage.scrape_run_id == outcome.run_id)
                               .order_by(FetchedPage.id)).all()
    # the caller's own hook still sees every page, and the archive indexes each one
    assert [p.url for p in pages] == [p.url for p in seen_by_caller] and len(pages) == outcome.requests_sent
    roster = next(p for p in pages if p.url.endswith("roster.php"))
    assert roster.status == 200 and roster.content_type.startswith("text/html")
    assert roster.fetched_at == fetcher.captured_at
    root = Path(app.config["ARCHIVE_DIR"])
    assert read_body(root, roster.sha256) == (moment / "pages" / "roster_p1.html").read_bytes()
    assert len(list(root.rglob("*.gz"))) == len({p.sha256 for p in pages})
    assert body_path(root, roster.sha256).is_file()

    # the same pages an hour later: indexed again, stored once
    again = run_scrape("jcdc", replay_dir=moment, now=outcome.as_of + timedelta(hours=1))
    assert again.requests_sent == len(pages)
    assert len(list(root.rglob("*.gz"))) == len({p.sha256 for p in pages})

    replayed = ArchiveFetcher(root, pages, captured_at=outcome.as_of)
    assert replayed.get(roster.url).body == read_body(root, roster.sha256)
    try:
        replayed.get("https://www.jonesso.com/roster_view.php?booking_num=00000")
    except FetchError as exc:
        assert exc.status == 404
    else:
        raise AssertionError("a page the run never fetched must answer 404")


def test_refresh_budget_rereads_only_the_stalest_known_sheets(runner, app_ctx, seeded, shared_dir):
    story = shared_dir / "dockets" / "kcdc" / "basic"
    first = run_scrape("kcdc", replay_dir=story / "t0")
    assert first.outcome == "success" and first.seen == 12

    kcdc = db.session.scalar(select(Jail).where(Jail.code == "kcdc"))
    kcdc.detail_refresh_budget = 3
    db.session.commit()
    outcome = run_scrape("kcdc", replay_dir=story / "t1")
    # All twelve sheets were read at t0, so the three with the lowest list ids are due:
    # KCSO19JBN000988 and KCSO20JBN000171 are re-read, KCSO20JBN000132 has left the roster
    # (its turn goes unused; its page is read anyway, for the release date it shows).
    # Requests: two list pages, the new person, two re-reads, the list pages again (somebody
    # left), the release lookup.
    assert outcome.outcome == "success" and outcome.requests_sent == 2 + 1 + 2 + 2 + 1
    assert (outcome.new, outcome.released) == (1, 1)
    db.session.expire_all()
    stored = bookings(kcdc)
    listed = held_keys(kcdc)
    reread = {key for key in listed if stored[key].detail_fetched_at == outcome.as_of}
    assert reread == {"KCSO20JBN000215", "KCSO19JBN000988", "KCSO20JBN000171"}
    assert all(stored[key].last_verified == outcome.as_of for key in listed)
    # the charge added to KCSO20JBN000213 waits for its turn
    assert versions(stored["KCSO20JBN000213"]) == 1


def test_detail_skipper_reads_the_oldest_first_and_new_people_always():
    at = [datetime(2020, 5, 12, h, tzinfo=timezone.utc) for h in range(3)]
    known = {"a": ("A", at[2]), "b": ("B", at[0]), "c": ("C", None), "d": ("D", at[1])}
    skip = detail_skipper(2, known)
    assert [list_id for list_id in "abcd" if skip(list_id)] == ["a", "d"]
    assert not skip("someone-new")
    assert detail_skipper(None, known) is None
    assert all(detail_skipper(0, known)(list_id) for list_id in "abcd")


def test_a_run_cut_off_by_a_lost_worker_is_closed_as_failed(app, app_ctx, seeded, shared_dir):
    from app.models import ScrapeRun
    from app.models.types import utcnow

    jail = db.session.execute(select(Jail).where(Jail.code == "jcdc")).scalar_one()
    long_ago = utcnow() - timedelta(hours=2)
    still_going = utcnow() - timedelta(minutes=1)
    dead = ScrapeRun(jail_id=jail.id, started_at=long_ago, as_of=long_ago, outcome="running")
    live = ScrapeRun(jail_id=jail.id, started_at=still_going, as_of=still_going, outcome="running")
    db.session.add_all([dead, live])
    db.session.commit()

    outcome = run_scrape("jcdc", replay_dir=shared_dir / "dockets" / "jcdc" / "basic" / "t0")

    db.session.expire_all()
    assert outcome.outcome == "success"
    assert dead.outcome == "failed" and "interrupted" in dead.error_text and dead.finished_at
    # a run that may still be alive (e.g. a command started by hand) is left alone
    assert live.outcome == "running"
