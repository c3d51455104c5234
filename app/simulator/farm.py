"""A farm of simulated jails: which jails exist, in which site format, on which clock.

With no count, the farm holds one jail per chosen format under the real jail's code (``mcdc``,
``lcdc``, ...), so a database seeded with the real declarations only needs its docket URLs
pointed at the simulator. With a count, jails beyond the first of each format are clones
(``sim0012``, ...) that follow the same county's history from a different day, so no two
rosters are alike.

The farm is the ground truth: for any jail and simulated instant it knows every booking in
custody and what a correct parser reads from each.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..scrapers.jails import BY_CODE, JailDeclaration
from .faults import FaultPlan
from .history import CountySeries, load_history
from .people import Booking
from .population import JailPopulation
from .sites import COUNTIES, TEMPLATES, Site, build_site


@dataclass
class SimJail:
    code: str
    name: str
    template: str
    site: Site
    series: CountySeries
    seed: int
    start: datetime
    offset_days: int = 0
    scale: float = 1.0
    turnover: float = 1.0
    _population: JailPopulation | None = field(default=None, repr=False)

    @property
    def population(self) -> JailPopulation:
        # Built on first use: a thousand-jail farm starts at once and only pays for the
        # jails that are actually visited.
        if self._population is None:
            self._population = JailPopulation(
                self.code, self.site, self.series, seed=self.seed, start=self.start,
                offset_days=self.offset_days, scale=self.scale, turnover=self.turnover)
        return self._population

    def docket_url(self, site_root: str) -> str:
        return site_root.rstrip("/") + self.site.docket_path

    def declaration(self, site_root: str) -> JailDeclaration:
        """How Oversight declares this jail: the real jail's platform and options, its roster
        at ``site_root`` (where the simulator serves its site)."""
        real = BY_CODE[self.template]
        return replace(real, code=self.code, name=self.name, docket_url=self.docket_url(site_root),
                       scrape_started_on=None, scrape_stopped_on=None, active=True,
                       options=dict(real.options))


class Farm:
    def __init__(self, jails: list[SimJail], *, seed: int, start: datetime,
                 faults: FaultPlan | None = None):
        self.jails = {jail.code: jail for jail in jails}
        self.seed = seed
        self.start = start
        self.faults = faults or FaultPlan(seed=seed)

    @classmethod
    def build(cls, *, start: datetime, seed: int = 1, count: int | None = None,
              templates: list[str] | tuple[str, ...] | None = None, data_dir=None,
              faults: FaultPlan | None = None, scale: float = 1.0, turnover: float = 1.0,
              size: float | None = None, stay_hours: float | None = None,
              irregularity: float = 1.0) -> Farm:
        """``scale``/``turnover`` apply to every jail alike (see JailPopulation); ``size``
        instead sets each jail's scale so it holds about that many people, and
        ``stay_hours`` its turnover so the mean stay is that long - a farm of small, busy
        jails for a soak test or a demo."""
        chosen = list(templates or TEMPLATES)
        unknown = [t for t in chosen if t not in TEMPLATES]
        if unknown:
            raise KeyError(f"unknown site format(s) {unknown}; known: {', '.join(TEMPLATES)}")
        history = load_history(data_dir)
        total = len(chosen) if count is None else count
        jails = []
        for index in range(total):
            template = chosen[index % len(chosen)]
            real = BY_CODE[template]
            series = history[COUNTIES[template]]
            if index < len(chosen):
                code, name, offset = template, real.name, 0
            else:
                code = f"sim{index + 1:04d}"
                name = f"{real.name} {index + 1:04d}"
                offset = random.Random(f"{seed}/offset/{code}").randrange(len(series.days))
            site = build_site(template, name)
            site.irregularity = irregularity
            jail_scale = scale if size is None else size / series.mean_population
            jail_turnover = turnover if stay_hours is None else (
                series.mean_population / max(series.mean_admissions, 0.01) / (stay_hours / 24))
            jails.append(SimJail(code=code, name=name, template=template, site=site, series=series,
                                 seed=seed, start=start, offset_days=offset, scale=jail_scale,
                                 turnover=jail_turnover))
        return cls(jails, seed=seed, start=start, faults=faults)

    def jail(self, code: str) -> SimJail:
        try:
            return self.jails[code]
        except KeyError:
            raise KeyError(f"no simulated jail {code!r}") from None

    # ---- ground truth -----------------------------------------------------------------
    def in_custody(self, code: str, at: datetime) -> list[Booking]:
        return self.jail(code).population.roster(at)

    def custody_keys(self, code: str, at: datetime) -> set[str]:
        return {b.key for b in self.in_custody(code, at)}

    def expected_records(self, code: str, at: datetime) -> dict[str, dict]:
        """What a correct parser reads for everyone on ``code``'s roster at ``at``: the name
        parts as generated, and the fields the site's pages show."""
        jail = self.jail(code)
        return {b.key: {"first_name": b.person.first, "middle_name": b.person.middle,
                        "last_name": b.person.last, "suffix": b.person.suffix,
                        **jail.site.expected(b, at)}
                for b in jail.population.roster(at)}
