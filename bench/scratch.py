"""A scratch PostgreSQL database for a benchmark run, next to ``$TEST_POSTGRES_URL`` (the
server ``make services`` starts), created empty and dropped afterwards."""
from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def scratch_postgres(base_url: str, label: str) -> tuple[str, Callable[[], None]]:
    """(URL of a new empty database named after ``label``, a function that drops it)."""
    base = make_url(base_url)
    name = f"{base.database}_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
