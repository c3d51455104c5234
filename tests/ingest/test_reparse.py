"""``flask scrape reparse``: today's parser re-reads the archive and repairs what is stored."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import Booking, BookingVersion, Charge, FetchedPage, Jail, ScrapeRun
from app.services.ingest import content_hash

from .conftest import bookings, captured_at, held_keys, replay, snapshot, versions


def test_reparse_repairs_history_from_the_archive(app, runner, app_ctx, seeded, shared_dir):
    story = shared_dir / "dockets" / "kcdc" / "basic"
    kcdc = db.session.scalar(select(Jail).where(Jail.code == "kcdc"))
    for name in ("t0", "t1"):
        assert replay(runner, "kcdc", story / name).exit_code == 0
    t0, t1 = captured_at(story / "t0"), captured_at(story / "t1")
    healthy = snapshot(kcdc)
    version_total = db.session.scalar(select(func.count()).select_from(BookingVersion))
    stored_bodies = list(Path(app.config["ARCHIVE_DIR"]).rglob("*.gz"))
    pages = db.session.scalar(select(func.count()).select_from(FetchedPage))
    # roster page 1 is fetched twice per run and most profiles are the same at t0 and t1
    assert 0 < len(stored_bodies) < pages

    # What an earlier, broken parser might have left behind:
    stored = bookings(kcdc)
    run_t0 = db.session.scalar(select(ScrapeRun.id).where(ScrapeRun.jail_id == kcdc.id).order_by(ScrapeRun.id))
    db.session.execute(update(Booking).where(Booking.id == stored["KCSO20JBN000214"].id)
                       .values(first_name=None, race=None))
    db.session.execute(delete(Charge).where(Charge.booking_id == stored["KCSO20JBN000214"].id))
    db.session.execute(delete(Booking).where(Booking.id == stored["KCSO20JBN000212"].id))   # never stored
    db.session.execute(update(Booking).where(Booking.id == stored["KCSO20JBN000211"].id)
                       .values(released_at=t0, released_by_run_id=run_t0,
                               released_on=t0.date(), release_precision="datetime"))  # wrongly released
    db.session.execute(update(BookingVersion).values(normalized_text="old reading",
                                                     content_hash=content_hash("old reading")))
    db.session.commit()

    result = runner.invoke(args=["scrape", "reparse", "kcdc"])
    assert result.exit_code == 0, result.output
    assert "kcdc: re-read 2 archived runs - bookings added 1," in result.output
    assert "versions added 0" in result.output and "releases corrected 1" in result.output
    db.session.expire_all()

    stored = bookings(kcdc)
    assert stored["KCSO20JBN000214"].first_name == "Terrell" and stored["KCSO20JBN000214"].race == "B"
    assert [c.description for c in stored["KCSO20JBN000214"].charges] == ["POSSESSION OF MARIJUANA", "NO INSURANCE"]
    back = stored["KCSO20JBN000212"]
    assert (back.initial_scrape, back.last_verified, back.in_custody) == (t0, t1, True)
    assert versions(back) == 1
    assert stored["KCSO20JBN000211"].in_custody
    assert "KCSO20JBN000211" in held_keys(kcdc) and "KCSO20JBN000132" not in held_keys(kcdc)
    assert db.session.scalar(select(func.count()).select_from(BookingVersion)) == version_total
    assert db.session.scalar(select(func.count()).where(BookingVersion.normalized_text == "old reading")) == 0
    assert versions(stored["KCSO20JBN000213"]) == 2          # the charge added at t1, still a change

    # everything is as the healthy scrape left it, except the recreated booking's row ids
    repaired = snapshot(kcdc)
    strip = {"id", "released_by_run_id"}
    def rows(snapshot):
        return sorted((sorted((k, str(v)) for k, v in row.items() if k not in strip), [c[1:] for c in charges])
                      for row, charges in snapshot[0])
    assert rows(repaired) == rows(healthy)

    again = runner.invoke(args=["scrape", "reparse", "kcdc"])
    assert "bookings added 0" in again.output and "releases corrected 0" in again.output
    assert "versions added 0" in again.output
    db.session.expire_all()
    assert snapshot(kcdc)[0] == repaired[0]


def test_reparse_without_an_archive_or_a_jail(runner, app_ctx, seeded):
    result = runner.invoke(args=["scrape", "reparse", "mcdc"])
    assert result.exit_code == 0 and "re-read 0 archived runs" in result.output
    assert runner.invoke(args=["scrape", "reparse", "nowhere"]).exit_code == 2
