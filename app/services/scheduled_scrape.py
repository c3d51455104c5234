"""What the hourly schedule scrapes: the live docket, or, when ``SCRAPE_REPLAY_DIR`` is set
(tests and the demo), the jail's recorded moments replayed one per scheduled run.

Replay layout: ``<SCRAPE_REPLAY_DIR>/<jail code>/.../index.json`` (the shared cassette
format; e.g. ``shared/dockets`` itself). A jail's moments are taken in capture-time order,
one per run, so the schedule plays the docket forward as it changed; when the recording is
over, the jail's scheduled scrapes do nothing (there is nothing more to observe). Which
moment a jail is at is kept in ``pipeline_state`` under ``replay:<code>``.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Jail, PipelineState
from .scrape import ScrapeOutcome, run_scrape

log = logging.getLogger(__name__)


def replay_moments(root: Path, code: str) -> list[Path]:
    """Every recorded moment of one jail under ``root/<code>``, oldest capture first."""
    moments = []
    for index in (root / code).rglob("index.json"):
        captured = datetime.fromisoformat(json.loads(index.read_text())["captured_at"])
        moments.append((captured, str(index.parent)))
    return [Path(path) for _, path in sorted(moments)]


def next_moment(root: Path, code: str) -> Path | None:
    """The jail's next moment to replay, or None when its recording is over (or missing)."""
    moments = replay_moments(root, code)
    state = db.session.get(PipelineState, f"replay:{code}")
    names = [str(moment.relative_to(root)) for moment in moments]
    if state is None or state.value not in names:
        return moments[0] if moments else None
    following = names.index(state.value) + 1
    return moments[following] if following < len(moments) else None


def jails_due() -> list[str]:
    """The jails the hourly round scrapes: every active one; when replaying, those whose
    recording still has a moment to play."""
    codes = db.session.execute(select(Jail.code).where(Jail.active.is_(True)).order_by(Jail.code)).scalars().all()
    replay_root = current_app.config.get("SCRAPE_REPLAY_DIR")
    if replay_root:
        codes = [code for code in codes if next_moment(Path(replay_root), code) is not None]
    return codes


def scrape_on_schedule(code: str) -> ScrapeOutcome | None:
    """One scheduled scrape of jail ``code``; None when replaying and the jail's recording
    is missing or over (replay mode never falls back to the live site)."""
    replay_root = current_app.config.get("SCRAPE_REPLAY_DIR")
    if not replay_root:
        return run_scrape(code)
    root = Path(replay_root)
    moment = next_moment(root, code)
    if moment is None:
        log.info("nothing (more) recorded for %s under %s; nothing to replay", code, root)
        return None
    outcome = run_scrape(code, replay_dir=moment)
    db.session.merge(PipelineState(key=f"replay:{code}", value=str(moment.relative_to(root))))
    db.session.commit()
    return outcome
