"""The simulator's clock: simulated time as a function of wall time.

An accelerated clock runs ``speed`` simulated seconds per wall second from ``start``. Because
the mapping is a plain linear function, anyone who knows the three numbers (start, speed and
the wall instant it started) can turn a wall timestamp recorded by the system under test into
the simulated instant it corresponds to; the soak test relies on that to compare a scrape's
run time with the ground truth.

With ``follow_wall=True`` the clock runs fast only until it has caught up with the real time
and then keeps to it, so a demo can replay the last days quickly without ever showing
bookings dated in the future.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} given; attach a time zone")
    return value.astimezone(timezone.utc)


class SimClock:
    def __init__(self, start: datetime, *, speed: float = 1.0, wall_origin: float | None = None,
                 follow_wall: bool = False):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = _aware(start)
        self.speed = float(speed)
        self.wall_origin = time.time() if wall_origin is None else float(wall_origin)
        self.follow_wall = follow_wall

    def to_sim(self, wall: datetime | float) -> datetime:
        """The simulated instant at a wall instant (a datetime or a Unix timestamp)."""
        stamp = _aware(wall).timestamp() if isinstance(wall, datetime) else float(wall)
        sim = self.start + timedelta(seconds=(stamp - self.wall_origin) * self.speed)
        if self.follow_wall:
            sim = min(sim, datetime.fromtimestamp(stamp, timezone.utc))
        return sim

    def to_wall(self, sim: datetime) -> datetime:
        """The wall instant at which the clock shows ``sim`` (the inverse of :meth:`to_sim`
        while the clock is running fast)."""
        seconds = (_aware(sim) - self.start).total_seconds() / self.speed
        return datetime.fromtimestamp(self.wall_origin + seconds, timezone.utc)

    def now(self) -> datetime:
        return self.to_sim(time.time())

    def describe(self) -> dict:
        return {"start": self.start.isoformat(), "speed": self.speed,
                "wall_origin": self.wall_origin, "follow_wall": self.follow_wall}


class ManualClock:
    """A clock that stands still until told to move: tests and benchmarks set the simulated
    time explicitly so every page of one scrape shows the same moment."""

    def __init__(self, start: datetime):
        self._now = _aware(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = _aware(when)

    def advance(self, **delta) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def describe(self) -> dict:
        return {"manual": True, "now": self.now().isoformat()}
