"""Historical daily admissions and population per county, the rates the simulator follows.

The source is the pair of CSV files the original project exported (``daily_admits.csv`` and
``daily_pop.csv``: one row per date, one column per county). A day counts only where the
county's population cell is filled and above zero: empty cells are days before scraping
began, and runs of zeros are outages of the original scrapers, not empty jails.

Without the files (a fresh machine with no ``shared/`` checkout) every county falls back to
its long-run means, so the simulator still runs, just without day-to-day variation.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Long-run means over the valid days of the original data (admissions per day, people held).
COUNTY_MEANS: dict[str, tuple[float, float]] = {
    "Jackson": (13.68, 370.4),
    "Jasper": (1.33, 33.8),
    "Adams": (3.13, 83.0),
    "Clay": (1.52, 73.9),
    "Kemper": (2.68, 370.5),
    "Tunica": (2.09, 33.4),
    "Hinds": (7.61, 553.5),
    "Jones": (6.45, 196.1),
    "Lee": (11.04, 233.1),
    "Madison": (11.41, 416.9),
    "Pearl River": (3.58, 176.4),
}

# Population is smoothed over this many days when turning it into a length of stay, so a
# single noisy count does not whip the model around.
SMOOTHING_DAYS = 28


def default_data_dir() -> Path:
    """``$SIMULATOR_DATA_DIR``, else ``shared/data`` next to the project checkout."""
    configured = os.environ.get("SIMULATOR_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass(frozen=True)
class DayRates:
    admissions: float      # expected bookings that day
    population: float      # people the jail held that day (smoothed)
    mean_stay_days: float  # the length of stay that keeps ``population`` steady (Little's law)


class CountySeries:
    """One county's valid days, replayed cyclically so any simulated date maps onto one."""

    def __init__(self, county: str, days: list[tuple[date, float, float]]):
        self.county = county
        mean_admits, mean_pop = COUNTY_MEANS.get(county, (5.0, 150.0))
        if not days:
            days = [(date(2019, 1, 1), mean_admits, mean_pop)]
        self.days = days
        self.mean_admissions = sum(a for _, a, _ in days) / len(days)
        self.mean_population = sum(p for _, _, p in days) / len(days)
        self._rates = self._smooth()

    def _smooth(self) -> list[DayRates]:
        n = len(self.days)
        half = SMOOTHING_DAYS // 2
        admits = [a for _, a, _ in self.days]
        pops = [p for _, _, p in self.days]
        prefix_a, prefix_p = [0.0], [0.0]
        for a, p in zip(admits, pops):
            prefix_a.append(prefix_a[-1] + a)
            prefix_p.append(prefix_p[-1] + p)
        rates = []
        for i in range(n):
            lo, hi = max(0, i - half), min(n, i + half + 1)
            window_admits = (prefix_a[hi] - prefix_a[lo]) / (hi - lo)
            window_pop = (prefix_p[hi] - prefix_p[lo]) / (hi - lo)
            stay = window_pop / max(window_admits, 0.05)
            rates.append(DayRates(admits[i], window_pop, stay))
        return rates

    def rates(self, day: date, offset_days: int = 0) -> DayRates:
        """The rates for a simulated ``day``: the historical day of that date (dates outside
        the record wrap around it), shifted by ``offset_days`` so jails cloned from one
        county do not hold identical rosters."""
        index = ((day - self.days[0][0]).days + offset_days) % len(self._rates)
        return self._rates[index]


def _number(cell: str) -> float | None:
    cell = cell.strip()
    return float(cell) if cell else None


def load_history(data_dir: str | os.PathLike | None = None) -> dict[str, CountySeries]:
    """Every county's series from ``data_dir`` (see :func:`default_data_dir`); counties
    fall back to their long-run means when the files are missing."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    admits_file, pop_file = folder / "daily_admits.csv", folder / "daily_pop.csv"
    if not (admits_file.exists() and pop_file.exists()):
        return {county: CountySeries(county, []) for county in COUNTY_MEANS}
    with admits_file.open(newline="") as fh:
        admits = {row["date"]: row for row in csv.DictReader(fh)}
    with pop_file.open(newline="") as fh:
        pops = list(csv.DictReader(fh))
    counties = [c for c in (pops[0].keys() if pops else ()) if c != "date"]
    series = {}
    for county in counties:
        days = []
        for row in pops:
            population = _number(row.get(county, ""))
            if not population:
                continue
            admitted = _number(admits.get(row["date"], {}).get(county, "")) or 0.0
            days.append((date.fromisoformat(row["date"]), admitted, population))
        series[county] = CountySeries(county, days)
    for county in COUNTY_MEANS:
        series.setdefault(county, CountySeries(county, []))
    return series
