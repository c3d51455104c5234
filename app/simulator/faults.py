"""Faults the simulated sites inject, by configuration.

Per request: added latency, a 5xx answer, a 429 with ``Retry-After``, or a truncated page
(the headers promise the whole body, part of it arrives, then the connection closes, the way
a dropped connection looks on the wire). Per stretch of simulated time: the site is down
(answers 503, or drops every connection unanswered) or shows a redesigned roster that no
parser knows (a layout change).

Each decision is drawn from a generator seeded by (seed, jail, the jail's request number), so
a run that sends the same requests meets the same faults, and a retry is a new draw.

Configuration (JSON)::

    {"default": {"latency_ms": 20, "jitter_ms": 30, "error_rate": 0.02,
                 "throttle_rate": 0.01, "retry_after": 1, "truncate_rate": 0.01},
     "jails": {"hcdc": {"outages": [["+2h", "+5h"]], "outage_mode": "close"},
               "lcdc": {"redesigns": [["2019-11-05T16:00:00-06:00", null]]}}}

Window bounds are ISO 8601 instants or ``+<hours>h`` after the simulation's start; ``null``
as an end means "from then on". A jail's entry overrides the default field by field.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from pathlib import Path


class FaultConfigError(ValueError):
    """The fault configuration is unusable; the message names the field."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class Faults:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after: int = 1
    truncate_rate: float = 0.0
    outages: tuple[Window, ...] = ()
    outage_mode: str = "503"          # or "close": drop the connection without an answer
    redesigns: tuple[Window, ...] = ()

    def __post_init__(self):
        for name in ("error_rate", "throttle_rate", "truncate_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise FaultConfigError(f"{name}={value} must be between 0 and 1")
        if self.outage_mode not in ("503", "close"):
            raise FaultConfigError(f"outage_mode={self.outage_mode!r} must be '503' or 'close'")


@dataclass(frozen=True)
class Decision:
    kind: str                # ok, error, throttle, truncate, down, redesign
    delay: float = 0.0       # seconds to wait before answering
    status: int = 200


@dataclass
class FaultPlan:
    default: Faults = field(default_factory=Faults)
    per_jail: dict[str, Faults] = field(default_factory=dict)
    seed: int = 0

    def for_jail(self, code: str) -> Faults:
        return self.per_jail.get(code, self.default)

    def decide(self, code: str, serial: int, now: datetime) -> Decision:
        faults = self.for_jail(code)
        rng = random.Random(f"{self.seed}/{code}/{serial}")
        delay = max(0.0, faults.latency_ms + faults.jitter_ms * rng.random()) / 1000
        if any(w.covers(now) for w in faults.outages):
            return Decision("down", delay, 503)
        draw = rng.random()
        if draw < faults.error_rate:
            return Decision("error", delay, rng.choice((500, 502, 503)))
        draw -= faults.error_rate
        if draw < faults.throttle_rate:
            return Decision("throttle", delay, 429)
        draw -= faults.throttle_rate
        if draw < faults.truncate_rate:
            return Decision("truncate", delay)
        if any(w.covers(now) for w in faults.redesigns):
            return Decision("redesign", delay)
        return Decision("ok", delay)

    # ---- configuration ----------------------------------------------------------------
    @classmethod
    def from_mapping(cls, config: dict, *, start: datetime, seed: int = 0,
                     base: Faults | None = None) -> FaultPlan:
        known = {"default", "jails", "seed"}
        unknown = set(config) - known
        if unknown:
            raise FaultConfigError(f"unknown key(s) {sorted(unknown)}; expected {sorted(known)}")
        default = _faults(config.get("default", {}), base or Faults(), start, "default")
        per_jail = {code: _faults(entry, default, start, f"jails.{code}")
                    for code, entry in config.get("jails", {}).items()}
        return cls(default, per_jail, int(config.get("seed", seed)))

    @classmethod
    def from_file(cls, path: str | Path, *, start: datetime, seed: int = 0,
                  base: Faults | None = None) -> FaultPlan:
        try:
            config = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise FaultConfigError(f"{path}: {exc}") from None
        try:
            return cls.from_mapping(config, start=start, seed=seed, base=base)
        except FaultConfigError as exc:
            raise FaultConfigError(f"{path}: {exc}") from None


def _instant(value, start: datetime, where: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str) and value.startswith("+") and value.endswith("h"):
        try:
            return start + timedelta(hours=float(value[1:-1]))
        except ValueError:
            pass
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    raise FaultConfigError(f"{where}: {value!r} is neither '+<hours>h' nor an ISO 8601 instant with an offset")


def _windows(raw, start: datetime, where: str) -> tuple[Window, ...]:
    if not isinstance(raw, list):
        raise FaultConfigError(f"{where}: expected a list of [start, end] pairs")
    windows = []
    for index, pair in enumerate(raw):
        if not isinstance(pair, list) or len(pair) != 2 or pair[0] is None:
            raise FaultConfigError(f"{where}[{index}]: expected [start, end]")
        windows.append(Window(_instant(pair[0], start, f"{where}[{index}]"),
                              _instant(pair[1], start, f"{where}[{index}]")))
    return tuple(windows)


def _faults(entry: dict, base: Faults, start: datetime, where: str) -> Faults:
    if not isinstance(entry, dict):
        raise FaultConfigError(f"{where}: expected an object")
    names = {f.name for f in fields(Faults)}
    changes = {}
    for key, value in entry.items():
        if key not in names:
            raise FaultConfigError(f"{where}.{key}: unknown fault; known: {', '.join(sorted(names))}")
        if key in ("outages", "redesigns"):
            changes[key] = _windows(value, start, f"{where}.{key}")
        elif key == "outage_mode":
            changes[key] = str(value)
        elif key == "retry_after":
            changes[key] = int(value)
        else:
            if not isinstance(value, (int, float)):
                raise FaultConfigError(f"{where}.{key}: expected a number, got {value!r}")
            changes[key] = float(value)
    try:
        return replace(base, **changes)
    except FaultConfigError as exc:
        raise FaultConfigError(f"{where}: {exc}") from None
