"""Pointing Oversight at the simulator: the declarations file the scrapers read
(``OVERSIGHT_JAIL_DECLARATIONS``, see app.scrapers.jails) and the jails' database rows."""
from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Jail
from ..scrapers.jails import JailDeclaration, declaration_to_json


def write_declarations(declarations: list[JailDeclaration], path: str | os.PathLike) -> Path:
    """Write the declarations as the JSON list ``OVERSIGHT_JAIL_DECLARATIONS`` names;
    replaced in one step, so a scraper reading it never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [json.loads(declaration_to_json(declaration)) for declaration in declarations]
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def register_jails(declarations: list[JailDeclaration], *, detail_refresh_budget: int | None = None,
                   deactivate_others: bool = False) -> tuple[int, int]:
    """Create or update a ``jails`` row per declaration (active, pointing at the simulator);
    with ``deactivate_others``, every other jail stops being scheduled. Returns (added,
    updated)."""
    existing = {jail.code: jail for jail in db.session.scalars(select(Jail))}
    added = updated = 0
    for declaration in declarations:
        jail = existing.get(declaration.code)
        if jail is None:
            jail = Jail(code=declaration.code)
            db.session.add(jail)
            added += 1
        else:
            updated += 1
        jail.name = declaration.name
        jail.county = declaration.county
        jail.division_id = declaration.division_id
        jail.platform = declaration.platform
        jail.docket_url = declaration.docket_url
        jail.timezone = declaration.timezone
        jail.active = True
        jail.detail_refresh_budget = detail_refresh_budget
    if deactivate_others:
        codes = {declaration.code for declaration in declarations}
        for code, jail in existing.items():
            if code not in codes:
                jail.active = False
    db.session.commit()
    return added, updated
