"""Small SQL helpers that differ by database backend."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def dialect_insert(table):
    """An INSERT that supports ``on_conflict_do_nothing`` / ``on_conflict_do_update`` on the
    backend in use (both SQLite and PostgreSQL have ON CONFLICT)."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for the {dialect} backend")
