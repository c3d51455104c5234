"""All models, importable from one place (Alembic and the admin need every table)."""
from .jails import (  # noqa: F401
    Agency, AgencyAlias, Booking, BookingVersion, Charge, DailySnapshot, Document, FetchedPage,
    Jail, Lease, PipelineState, ScrapeRun,
)
from .officers import (  # noqa: F401
    Assignment, Department, Description, Incident, Job, LicensePlate, Link, Location, Note,
    Officer, Salary, Unit, incident_license_plates, incident_links, officer_incidents,
    officer_links,
)
from .users import LoginThrottle, User  # noqa: F401
