"""The stories in ``cassettes/`` (see its README): reads that must release nobody, people who
come back, slot pages that shuffle, and replays that must change nothing."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Jail, ScrapeRun

from .conftest import CASSETTES, bookings, captured_at, held_keys, replay, snapshot, versions


def jail_named(code) -> Jail:
    return db.session.scalar(select(Jail).where(Jail.code == code))


def last_run(jail) -> ScrapeRun:
    return db.session.scalar(select(ScrapeRun).where(ScrapeRun.jail_id == jail.id).order_by(ScrapeRun.id.desc()))


KEMPER = [f"KCSO21JBN000{n}" for n in range(101, 113)]


def test_bad_reads_release_nobody_until_a_trustworthy_read(runner, app_ctx, seeded):
    story = CASSETTES / "kcdc" / "bad_reads"
    kcdc = jail_named("kcdc")
    at = {name: captured_at(story / name) for name in ("t0", "t1", "t2", "t3", "t4", "t5", "t6")}

    result = replay(runner, "kcdc", story / "t0")
    assert result.exit_code == 0 and "kcdc: success" in result.output
    assert held_keys(kcdc) == set(KEMPER)

    # t1: list page 2 answers 500
    result = replay(runner, "kcdc", story / "t1")
    assert result.exit_code == 0 and "kcdc: incomplete" in result.output, result.output
    run = last_run(kcdc)
    assert (run.outcome, run.seen, run.released) == ("incomplete", 10, 0)
    assert "roster read incomplete" in run.error_text and "grp=20: roster page: 500" in run.error_text
    assert held_keys(kcdc) == set(KEMPER)
    stored = bookings(kcdc)
    assert stored[KEMPER[0]].last_verified == at["t1"] and stored[KEMPER[11]].last_verified == at["t0"]

    # t2: fewer rows than the site declares
    result = replay(runner, "kcdc", story / "t2")
    assert result.exit_code == 0, result.output
    run = last_run(kcdc)
    assert (run.outcome, run.seen, run.roster_declared) == ("incomplete", 11, 12)
    assert "declares 12 bookings but 11 rows were read" in run.error_text
    assert held_keys(kcdc) == set(KEMPER)

    # t3: the roster itself answers 500
    result = replay(runner, "kcdc", story / "t3")
    assert result.exit_code == 1 and "kcdc: failed" in result.output
    run = last_run(kcdc)
    assert (run.outcome, run.seen, run.new, run.released) == ("failed", 0, 0, 0)
    assert "zero bookings" in run.error_text and "roster.php: roster page: 500" in run.error_text
    assert held_keys(kcdc) == set(KEMPER)

    # t4: a new layout parses to nobody: fails loudly, saves nothing
    result = replay(runner, "kcdc", story / "t4")
    assert result.exit_code == 1 and "parsed zero bookings (layout change?)" in result.output
    assert last_run(kcdc).outcome == "failed"
    assert held_keys(kcdc) == set(KEMPER)
    assert max(b.last_verified for b in bookings(kcdc).values()) == at["t2"]

    # t5: the roster halves: not believed on one read...
    result = replay(runner, "kcdc", story / "t5")
    assert result.exit_code == 0, result.output
    run = last_run(kcdc)
    assert (run.outcome, run.seen, run.released) == ("incomplete", 5, 0)
    assert "shrank by more than half" in run.error_text
    assert held_keys(kcdc) == set(KEMPER)

    # t6: ...but a second read showing the same confirms it
    result = replay(runner, "kcdc", story / "t6")
    assert result.exit_code == 0 and "kcdc: success" in result.output, result.output
    run = last_run(kcdc)
    assert (run.outcome, run.seen, run.released) == ("success", 5, 7)
    assert held_keys(kcdc) == set(KEMPER[:5])
    for key in KEMPER[5:]:
        gone = bookings(kcdc)[key]
        assert (gone.released_at, gone.release_published, gone.released_by_run_id) == (at["t6"], False, run.id)

    runs = db.session.scalars(select(ScrapeRun).where(ScrapeRun.jail_id == kcdc.id).order_by(ScrapeRun.id)).all()
    assert [r.outcome for r in runs] == ["success", "incomplete", "incomplete", "failed", "failed",
                                         "incomplete", "success"]
    assert all(versions(b) == 1 for b in bookings(kcdc).values())


def test_back_in_custody_under_the_same_key_and_a_new_booking_under_a_new_one(runner, app_ctx, seeded):
    story = CASSETTES / "jcj" / "rebooking"
    jcj = jail_named("jcj")
    for name in ("t0", "t1"):
        assert replay(runner, "jcj", story / name).exit_code == 0
    stored = bookings(jcj)
    always = {"14090", "14087", "14081"}
    assert held_keys(jcj) == {"14100"} | always
    assert stored["14101"].released_at == stored["14102"].released_at == captured_at(story / "t1")

    result = replay(runner, "jcj", story / "t2")
    assert result.exit_code == 0, result.output
    assert "new 1" in result.output and "released 0" in result.output
    stored = bookings(jcj)
    assert set(stored) == {"14100", "14101", "14102", "14105"} | always
    assert held_keys(jcj) == {"14100", "14101", "14105"} | always
    back = stored["14101"]
    assert (back.released_at, back.released_on, back.released_by_run_id) == (None, None, None)
    assert back.initial_scrape == captured_at(story / "t0") and back.last_verified == captured_at(story / "t2")
    assert stored["14102"].released_at == captured_at(story / "t1")          # the earlier stay ended
    rebooked = stored["14105"]
    assert rebooked.initial_scrape == captured_at(story / "t2") and rebooked.last_name == "Cole"
    assert [c.description for c in rebooked.charges] == ["CONTEMPT OF COURT"]


def test_reshuffled_slots_and_a_missing_slot_page(runner, app_ctx, seeded):
    story = CASSETTES / "mcdc" / "reshuffle"
    mcdc = jail_named("mcdc")
    base = "http://mydcstraining.com/agencyinfo/MS/4360/inmate/"
    keys = {"DAVIS": "BK0000020001 - 001", "FIELDS": "BK0000020002 - 002", "PRICE": "BK0000020003 - 001",
            "ALLEN": "BK0000020004 - 001"}
    assert replay(runner, "mcdc", story / "t0").exit_code == 0
    assert bookings(mcdc)[keys["DAVIS"]].link == base + "ICUD0001.HTM"

    result = replay(runner, "mcdc", story / "t1")
    assert result.exit_code == 0, result.output
    run = last_run(mcdc)
    assert (run.outcome, run.new, run.changed, run.released) == ("success", 1, 0, 0)
    stored = bookings(mcdc)
    assert set(stored) == set(keys.values())                      # nobody twice
    assert {name: stored[key].link.rsplit("/", 1)[1] for name, key in keys.items()} == {
        "ALLEN": "ICUD0001.HTM", "DAVIS": "ICUD0002.HTM", "FIELDS": "ICUD0003.HTM", "PRICE": "ICUD0004.HTM"}
    assert all(versions(b) == 1 for b in stored.values())

    # FIELDS's slot page is gone: the key comes from the roster's booking number
    result = replay(runner, "mcdc", story / "t2")
    assert result.exit_code == 0, result.output
    run = last_run(mcdc)
    assert (run.outcome, run.seen, run.released, run.errors) == ("success", 4, 0, 1)
    assert "ICUD0003.HTM: detail page: 404" in run.error_text
    fields = bookings(mcdc)[keys["FIELDS"]]
    assert fields.in_custody and fields.last_verified == captured_at(story / "t2")
    assert fields.detail_fetched_at == captured_at(story / "t1") and fields.first_name == "Gregory"
    assert held_keys(mcdc) == set(keys.values())


def test_replaying_a_moment_again_changes_nothing_but_last_verified(runner, app_ctx, seeded, shared_dir):
    for code in ("kcdc", "jcj", "jcadc"):
        jail = jail_named(code)
        moments = shared_dir / "dockets" / code / "basic"
        for name in ("t0", "t1"):
            assert replay(runner, code, moments / name).exit_code == 0
        before = snapshot(jail)
        later = "2030-01-01T00:00:00+00:00"
        result = replay(runner, code, moments / "t1", "--now", later)
        assert result.exit_code == 0, result.output
        run = last_run(jail)
        assert (run.outcome, run.new, run.changed, run.released) == ("success", 0, 0, 0), code
        assert snapshot(jail) == before, code
        held = [b for b in bookings(jail).values() if b.in_custody]
        assert held and {b.last_verified.isoformat() for b in held} == {later}
