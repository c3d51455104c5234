"""What the importers and the export share: the Not Sure title, progress reporting,
chunked IN lists, and which records belong to a department."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Select, or_, select

from ..models import Incident, Link, Officer, incident_links, officer_links

NOT_SURE = "Not Sure"
# The title a row without one gets, created in a department on first use the way a new
# department's default title is: first in rank order.
NOT_SURE_JOB = {"job_title": NOT_SURE, "order": 0, "is_sworn_officer": True}

# Longest IN (...) list sent at once: below SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 30_000

# progress(items, length, label) -> items, e.g. wrapped in a progress bar.
Progress = Callable[[Iterable, int, str], Iterable]


def no_progress(items: Iterable, length: int, label: str) -> Iterable:
    return items


def chunks(values: Sequence, size: int = IN_CHUNK) -> Iterator[Sequence]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


@contextmanager
def cyclic_gc_paused():
    """Planning makes a few objects per row and frees none until the end, so Python's cycle
    collector would rescan the growing heap again and again (half the run time on a large
    roster). Reference counting still frees memory meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def department_officer_ids(department_id: int) -> Select:
    return select(Officer.id).where(Officer.department_id == department_id)


def department_incident_ids(department_id: int) -> Select:
    return select(Incident.id).where(Incident.department_id == department_id)


def department_links(department_id: int):
    """A condition on links: attached to one of the department's officers or incidents
    (links have no department of their own)."""
    return or_(
        Link.id.in_(select(officer_links.c.link_id)
                    .where(officer_links.c.officer_id.in_(department_officer_ids(department_id)))),
        Link.id.in_(select(incident_links.c.link_id)
                    .where(incident_links.c.incident_id.in_(department_incident_ids(department_id)))),
    )
