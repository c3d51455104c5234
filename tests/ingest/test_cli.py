"""``flask scrape``: arguments, exit codes, ``all``, ``list`` and ``init``."""
from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select

from app.extensions import db
from app.models import Booking, Jail, ScrapeRun

from .test_replay_dockets import replay


def test_now_overrides_the_cassette_clock(runner, app_ctx, seeded, shared_dir):
    moment = shared_dir / "dockets" / "jcj" / "basic" / "t0"
    result = runner.invoke(args=["scrape", "jcj", "--replay", str(moment), "--now", "2019-11-05T18:00:00-06:00"])
    assert result.exit_code == 0, result.output
    assert "jcj: success as of 2019-11-05T18:00:00-06:00" in result.output
    db.session.expire_all()
    assert {b.last_verified.isoformat() for b in db.session.scalars(select(Booking))} == {"2019-11-06T00:00:00+00:00"}


def test_usage_errors_exit_2(runner, app_ctx, seeded, shared_dir, tmp_path):
    moment = shared_dir / "dockets" / "jcj" / "basic" / "t0"
    naive = runner.invoke(args=["scrape", "jcj", "--replay", str(moment), "--now", "2019-11-05T18:00:00"])
    assert naive.exit_code == 2 and "no UTC offset" in naive.output
    unknown = runner.invoke(args=["scrape", "nowhere", "--replay", str(moment)])
    assert unknown.exit_code == 2 and "no jail 'nowhere'" in unknown.output
    empty = runner.invoke(args=["scrape", "jcj", "--replay", str(tmp_path)])
    assert empty.exit_code == 2 and "no cassette moment under" in empty.output
    two_clocks = runner.invoke(args=["scrape", "jcj", "--replay", str(moment.parent), "--now", "2019-11-05T18:00:00Z"])
    assert two_clocks.exit_code == 2 and "single moment" in two_clocks.output
    db.session.add(Jail(code="ghost", name="Undeclared Jail", county="Nowhere"))
    db.session.commit()
    undeclared = runner.invoke(args=["scrape", "ghost", "--replay", str(moment)])
    assert undeclared.exit_code == 2 and "unknown jail 'ghost'" in undeclared.output
    assert db.session.scalar(select(func.count()).select_from(ScrapeRun)) == 0


def test_a_folder_of_moments_replays_in_capture_order(runner, app_ctx, seeded, shared_dir, tmp_path):
    result = runner.invoke(args=["scrape", "mcdc", "--replay", str(shared_dir / "dockets" / "mcdc")])
    assert result.exit_code == 0, result.output
    assert [line.split(" - ")[0] for line in result.output.splitlines()] == [
        "mcdc: success as of 2019-11-05T14:15:00-06:00", "mcdc: success as of 2019-11-05T15:15:00-06:00"]

    # all: each jail's moments under DIR/<jail>; jails with none are skipped
    for code in ("hcdc", "kcdc"):
        shutil.copytree(shared_dir / "dockets" / code / "basic" / "t1", tmp_path / code / "t1")
    result = runner.invoke(args=["scrape", "all", "--replay", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.count(": success as of") == 2 and "mcdc: skipped" in result.output


def test_all_replays_every_recorded_jail(runner, app_ctx, seeded, shared_dir):
    result = runner.invoke(args=["scrape", "all", "--replay", str(shared_dir / "dockets")])
    assert result.exit_code == 0, result.output
    assert result.output.count(": success as of") == 22          # eleven jails, t0 then t1
    assert db.session.scalar(select(func.count()).select_from(ScrapeRun)) == 22
    assert db.session.scalar(select(func.count()).where(ScrapeRun.released > 0)) == 11


def test_a_failed_run_exits_1(runner, app_ctx, seeded, tmp_path):
    (tmp_path / "index.json").write_text(json.dumps(
        {"jail": "jcj", "captured_at": "2019-11-05T14:15:00-06:00", "requests": []}))
    result = runner.invoke(args=["scrape", "jcj", "--replay", str(tmp_path)])
    assert result.exit_code == 1
    assert "jcj: failed" in result.output and "zero bookings" in result.output


def test_list_shows_each_jail_and_its_last_run(runner, app_ctx, seeded, shared_dir):
    replay(runner, "hcdc", shared_dir / "dockets" / "hcdc" / "basic" / "t0")
    result = runner.invoke(args=["scrape", "list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert len(lines) == 11
    assert "hinds" in lines["hcdc"] and " 12  success as of 2019-11-05T20:15:00+00:00: seen 12" in lines["hcdc"]
    assert lines["mcdc"].endswith("never") and " no " in lines["prcdf"]


def test_init_scaffolds_a_jail_on_a_known_platform(app, runner, tmp_path):
    app.root_path = str(tmp_path / "app")
    args = ["scrape", "init", "lamar", "--platform", "sheriff_roster", "--name", "Lamar County Jail",
            "--county", "Lamar", "--url", "https://www.lamarsheriff.example/roster.php"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    config = tmp_path / "app" / "scrapers" / "jail_configs" / "lamar.json"
    assert json.loads(config.read_text())["platform"] == "sheriff_roster"
    assert "created app/scrapers/jail_configs/lamar.json" in result.output
    assert (tmp_path / "tests" / "scrapers" / "test_lamar.py").is_file()

    again = runner.invoke(args=args)
    assert again.exit_code == 2 and "already there" in again.output
    bad = runner.invoke(args=[*args[:3], "--platform", "nope", *args[5:]])
    assert bad.exit_code == 2 and "unknown platform" in bad.output
