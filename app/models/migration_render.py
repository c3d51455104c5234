"""How our column types are written into Alembic migrations: as plain SQLAlchemy types, so
a migration never imports application code that may change after it was written."""
from .types import UTCDateTime


def render_item(type_, obj, autogen_context):
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
