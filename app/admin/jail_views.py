"""The jail side, for administrators: bookings, their intake-sheet versions and documents,
scrape health, the agency alias queue and the population dashboard."""
from __future__ import annotations

import difflib
from datetime import date, timedelta
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters
from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from ..extensions import db
from ..models import (
    Agency, AgencyAlias, Booking, DailySnapshot, Document, Jail, ScrapeRun,
)
from ..models.jails import CENTRAL
from ..scrapers.records import RACE_CODES, SEX_CODES
from ..models.types import utcnow
from .base import BackOfficeForm, BackOfficeView, PerRequestOptions, SecureModelView
from .charts import daily_chart
from .search import WordSearchMixin, starts_with

JAILS = "Jails"


def _jail_options():
    return [(j.id, f"{j.name} ({j.code})") for j in Jail.query.order_by(Jail.name)]


def _agency_options():
    return [(a.id, a.code) for a in Agency.query.order_by(Agency.code)]


class InCustodyFilter(filters.BaseSQLAFilter):
    """Yes: not released. No: released."""

    def __init__(self):
        super().__init__(Booking.released_at, "In custody", options=[("1", "Yes"), ("0", "No")])

    def apply(self, query, value, alias=None):
        return query.filter(Booking.released_at.is_(None) if value == "1"
                            else Booking.released_at.is_not(None))

    def operation(self):
        return "is"


def _fmt_days(view, context, model, name):
    days = model.days_incarcerated
    return "" if days is None else f"{days:,.1f}"


def _fmt_local(value):
    return value.astimezone(CENTRAL).strftime("%Y-%m-%d %H:%M") if value else ""


class BookingView(WordSearchMixin, SecureModelView):
    """Every booking the scrapers have seen; read-only (the dockets are the source)."""

    can_create = can_edit = can_delete = False
    simple_list_pager = True
    search_hint = "Last or first name (starts with), or booking number"
    column_list = ["jail", "booking_key", "last_name", "first_name", "sex", "race", "LEA",
                   "booked_on", "released_at", "in_custody", "days_incarcerated", "status_verbose",
                   "UID"]
    column_labels = {"booking_key": "Booking number", "LEA": "Agency", "booked_on": "Booked",
                     "released_at": "Released", "in_custody": "In custody",
                     "days_incarcerated": "Days held", "status_verbose": "Last seen", "UID": "UID"}
    column_formatters = {"days_incarcerated": _fmt_days, "jail": lambda v, c, m, n: m.jail.code,
                         "released_at": lambda v, c, m, n: _fmt_local(m.released_at),
                         "in_custody": lambda v, c, m, n: "yes" if m.in_custody else "no"}
    column_formatters_export = {"released_at": lambda v, c, m, n: m.released_at.isoformat() if m.released_at else "",
                                "in_custody": lambda v, c, m, n: "yes" if m.in_custody else "no",
                                "days_incarcerated": lambda v, c, m, n: m.days_incarcerated}
    column_sortable_list = ["booked_on", "released_at", "last_name", "booking_key"]
    column_default_sort = [("booked_on", True), ("id", True)]
    column_filters = [
        filters.IntEqualFilter(Booking.jail_id, "Jail", options=PerRequestOptions(_jail_options)),
        InCustodyFilter(),
        filters.DateBetweenFilter(Booking.booked_on, "Booked between"),
        filters.IntEqualFilter(Booking.agency_id, "Agency", options=PerRequestOptions(_agency_options)),
        filters.FilterEmpty(Booking.agency_id, "Agency unmapped"),
        filters.FilterEqual(Booking.sex, "Sex", options=[(c, c) for c in SEX_CODES]),
        filters.FilterEqual(Booking.race, "Race", options=[(c, c) for c in RACE_CODES]),
    ]
    column_export_list = ["id", "jail", "booking_key", "bk", "intake_number", "last_name",
                          "first_name", "middle_name", "suffix", "sex", "race", "LEA", "booked_on",
                          "released_at", "in_custody", "days_incarcerated", "charge_1", "UID"]
    export_max_rows = 100_000
    details_template = "admin/booking_details.html"

    def search_criterion(self, word):
        # booking_key is the intake number on the jails keyed by it, so it covers both.
        return or_(starts_with(Booking.last_name, word), starts_with(Booking.first_name, word),
                   Booking.booking_key == word, Booking.bk == word)

    def get_query(self):
        # The jail is joined by Flask-Admin (a list column); the agency feeds the LEA column.
        return super().get_query().options(joinedload(Booking.agency))

    def get_one(self, id):
        try:
            pk = int(id)
        except (TypeError, ValueError):
            return None
        return db.session.execute(
            select(Booking).where(Booking.id == pk).options(
                joinedload(Booking.jail), joinedload(Booking.agency), selectinload(Booking.charges),
                selectinload(Booking.versions), joinedload(Booking.document))
        ).unique().scalar_one_or_none()

    def render(self, template, **kwargs):
        if template == self.details_template:
            kwargs.update(self._version_diff(kwargs["model"]), local=_fmt_local)
        return super().render(template, **kwargs)

    @staticmethod
    def _version_diff(booking) -> dict:
        versions = booking.versions
        if len(versions) < 2:
            return {"diff_table": None, "diff_from": None, "diff_to": None}
        by_id = {v.id: v for v in versions}
        newer = by_id.get(request.args.get("to", type=int)) or versions[-1]
        older = by_id.get(request.args.get("from", type=int)) or versions[versions.index(newer) - 1]
        table = difflib.HtmlDiff(wrapcolumn=90).make_table(
            older.normalized_text.splitlines(), newer.normalized_text.splitlines(),
            fromdesc=f"{_fmt_local(older.fetched_at)} (Central)",
            todesc=f"{_fmt_local(newer.fetched_at)} (Central)", context=True, numlines=2)
        return {"diff_table": Markup(table), "diff_from": older, "diff_to": newer}

    @expose("/document/<int:booking_id>")
    def document(self, booking_id):
        document = db.session.scalar(select(Document).where(Document.booking_id == booking_id))
        if document is None or not document.path:
            abort(404)
        root = Path(current_app.config["DOCUMENTS_DIR"]).resolve()
        path = (root / document.path).resolve()
        # Only files under DOCUMENTS_DIR are ever served, whatever the row says.
        if root not in path.parents or not path.is_file():
            abort(404)
        return send_file(path, mimetype="application/pdf", download_name=path.name)


class ScrapeRunView(SecureModelView):
    can_create = can_edit = can_delete = False
    simple_list_pager = True
    column_list = ["jail", "started_at", "finished_at", "outcome", "seen", "new", "changed",
                   "released", "errors", "pages_fetched", "error_text"]
    column_filters = [filters.IntEqualFilter(ScrapeRun.jail_id, "Jail", options=PerRequestOptions(_jail_options)),
                      filters.FilterEqual(ScrapeRun.outcome, "Outcome",
                                          options=[(o, o) for o in ScrapeRun.OUTCOMES])]
    column_default_sort = ("started_at", True)
    column_sortable_list = ["started_at", "outcome", "seen", "new", "released", "errors"]
    column_formatters = {"started_at": lambda v, c, m, n: _fmt_local(m.started_at),
                         "finished_at": lambda v, c, m, n: _fmt_local(m.finished_at),
                         "error_text": lambda v, c, m, n: (m.error_text or "")[:200]}


class JailView(SecureModelView):
    """Jails come from the declarations in code (``flask seed``): no creating or deleting
    here, which would orphan or erase bookings."""

    can_create = can_delete = False
    column_list = ["code", "name", "county", "state", "platform", "active", "scrape_started_on",
                   "detail_refresh_budget", "ocd_id", "division_id"]
    column_labels = {"ocd_id": "OCD id", "division_id": "OCD division"}
    column_default_sort = "code"
    column_searchable_list = ["code", "name", "county"]
    form_columns = ["name", "county", "docket_url", "active", "detail_refresh_budget",
                    "scrape_started_on", "scrape_stopped_on", "division_id"]
    edit_template = "admin/edit_with_ocd_id.html"


class AgencyView(SecureModelView):
    column_list = ["code", "name"]
    column_searchable_list = ["code", "name"]
    column_default_sort = "code"
    form_columns = ["code", "name"]


class AgencyAliasView(SecureModelView):
    """Every raw spelling per jail; the queue page shows the unmapped ones."""

    column_list = ["jail", "raw", "is_prefix", "agency", "first_seen_at", "updated_at"]
    column_searchable_list = ["raw"]
    column_filters = [filters.IntEqualFilter(AgencyAlias.jail_id, "Jail", options=PerRequestOptions(_jail_options)),
                      filters.FilterEmpty(AgencyAlias.agency_id, "Unmapped")]
    column_default_sort = ("updated_at", True)
    form_columns = ["jail", "raw", "is_prefix", "agency"]


# ---- the alias queue -----------------------------------------------------------------

def map_alias(alias: AgencyAlias, agency: Agency) -> int:
    """Map a raw spelling to an agency and fix the bookings already carrying it; returns
    how many bookings changed. The ingest maps new bookings through the same table."""
    alias.agency_id = agency.id
    if alias.is_prefix:
        matches = Booking.agency_raw.startswith(alias.raw, autoescape=True)
    else:
        matches = Booking.agency_raw == alias.raw
    result = db.session.execute(
        update(Booking).where(Booking.jail_id == alias.jail_id, Booking.agency_id.is_(None), matches)
        .values(agency_id=agency.id))
    db.session.commit()
    return result.rowcount


class MapAliasForm(BackOfficeForm):
    alias_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    agency_id = SelectField("Agency", coerce=int, validators=[InputRequired()])


class AliasQueueView(BackOfficeView):
    """Raw agency spellings no one has mapped yet, most frequent first, each one select
    and one click away from its agency."""

    @expose("/", methods=["GET", "POST"])
    def index(self):
        agencies = Agency.query.order_by(Agency.code).all()
        choices = [(a.id, f"{a.code}{' — ' + a.name if a.name else ''}") for a in agencies]
        form = MapAliasForm(request.form)
        form.agency_id.choices = choices
        if request.method == "POST":
            alias = db.session.get(AgencyAlias, form.alias_id.data) if form.validate() else None
            if alias is None:
                problems = "; ".join(f"{name}: {', '.join(errors)}" for name, errors in form.errors.items())
                flash(f"Nothing mapped: {problems or 'unknown alias'}.", "error")
            else:
                agency = db.session.get(Agency, form.agency_id.data)
                changed = map_alias(alias, agency)
                flash(f"“{alias.raw}” at {alias.jail.code} now maps to {agency.code}; "
                      f"{changed} booking(s) updated.", "success")
            return redirect(url_for(".index"))
        booking_counts = (select(Booking.jail_id, Booking.agency_raw, func.count().label("n"))
                          .where(Booking.agency_id.is_(None)).group_by(Booking.jail_id, Booking.agency_raw)
                          .subquery())
        rows = db.session.execute(
            select(AgencyAlias, Jail, func.coalesce(booking_counts.c.n, 0))
            .join(Jail, Jail.id == AgencyAlias.jail_id)
            .outerjoin(booking_counts, and_(booking_counts.c.jail_id == AgencyAlias.jail_id,
                                            booking_counts.c.agency_raw == AgencyAlias.raw))
            .where(AgencyAlias.agency_id.is_(None))
            .order_by(func.coalesce(booking_counts.c.n, 0).desc(), Jail.code, AgencyAlias.raw)
        ).all()
        return self.render("admin/alias_queue.html", rows=rows, choices=choices,
                           map_form=MapAliasForm())


# ---- scrape health -------------------------------------------------------------------

def scrape_health(now=None) -> list[dict]:
    """Per jail: the latest run, the latest success, failures since then and in the last
    day. One grouped query plus one for the latest runs."""
    now = now or utcnow()
    day_ago = now - timedelta(days=1)
    failed = ScrapeRun.outcome.in_(("failed", "incomplete"))
    last_success = (select(ScrapeRun.jail_id, func.max(ScrapeRun.started_at).label("at"))
                    .where(ScrapeRun.outcome == "success").group_by(ScrapeRun.jail_id).subquery())
    stats = db.session.execute(
        select(ScrapeRun.jail_id,
               func.count().label("runs"),
               func.sum(case((and_(failed, ScrapeRun.started_at >= day_ago), 1), else_=0)).label("failed_24h"),
               func.sum(case((and_(failed, (last_success.c.at.is_(None)) | (ScrapeRun.started_at > last_success.c.at)), 1),
                             else_=0)).label("failing_since_success"),
               func.max(last_success.c.at).label("last_success"))
        .outerjoin(last_success, last_success.c.jail_id == ScrapeRun.jail_id)
        .group_by(ScrapeRun.jail_id)).all()
    by_jail = {row.jail_id: row for row in stats}
    ranked = (select(ScrapeRun.id, func.row_number().over(
        partition_by=ScrapeRun.jail_id, order_by=ScrapeRun.started_at.desc()).label("rank")).subquery())
    latest = {run.jail_id: run for run in db.session.scalars(
        select(ScrapeRun).join(ranked, ranked.c.id == ScrapeRun.id).where(ranked.c.rank == 1))}
    health = []
    for jail in Jail.query.order_by(Jail.code):
        row = by_jail.get(jail.id)
        health.append({
            "jail": jail, "last_run": latest.get(jail.id),
            "last_success": row.last_success if row else None,
            "failed_24h": int(row.failed_24h or 0) if row else 0,
            "failing_since_success": int(row.failing_since_success or 0) if row else 0,
            "runs": row.runs if row else 0,
        })
    return health


class ScrapeHealthView(BackOfficeView):
    @expose("/")
    def index(self):
        return self.render("admin/scrape_health.html", health=scrape_health(), fmt=_fmt_local)


# ---- dashboard -----------------------------------------------------------------------

class DashboardView(BackOfficeView):
    """Daily population and admissions per jail, drawn from the daily snapshots.

    The page carries one line of figures per jail; each chart is its own SVG request, so
    the page stays quick however many jails and days there are, and the browser fetches the
    charts side by side."""

    PERIODS = (30, 90, 365, 730)
    CHARTS = {"population": {"kind": "line", "color": "#1f77b4"},
              "admissions": {"kind": "bars", "color": "#d62728"}}

    def _period(self):
        days = request.args.get("days", 90, type=int)
        days = days if days in self.PERIODS else 90
        last = db.session.scalar(select(func.max(DailySnapshot.day))) or date.today()
        return days, last - timedelta(days=days - 1), last

    @expose("/")
    def index(self):
        days, first, last = self._period()
        in_period = DailySnapshot.day.between(first, last)
        latest_day = (select(DailySnapshot.jail_id, func.max(DailySnapshot.day).label("day"))
                      .where(in_period, DailySnapshot.population.is_not(None))
                      .group_by(DailySnapshot.jail_id).subquery())
        latest = {jail_id: (day, population) for jail_id, day, population in db.session.execute(
            select(DailySnapshot.jail_id, DailySnapshot.day, DailySnapshot.population)
            .join(latest_day, and_(latest_day.c.jail_id == DailySnapshot.jail_id,
                                   latest_day.c.day == DailySnapshot.day)))}
        admitted = dict(db.session.execute(
            select(DailySnapshot.jail_id, func.coalesce(func.sum(DailySnapshot.admissions), 0))
            .where(in_period).group_by(DailySnapshot.jail_id)).all())
        panels = [{"jail": jail, "latest": latest.get(jail.id), "admitted": admitted[jail.id]}
                  for jail in Jail.query.order_by(Jail.name) if jail.id in admitted]
        return self.render("admin/dashboard.html", panels=panels, days=days, periods=self.PERIODS,
                           first=first, last=last)

    @expose("/chart/<int:jail_id>/<series>.svg")
    def chart(self, jail_id, series):
        jail = db.session.get(Jail, jail_id)
        if jail is None or series not in self.CHARTS:
            abort(404)
        days, first, last = self._period()
        column = getattr(DailySnapshot, series)
        values = dict(db.session.execute(
            select(DailySnapshot.day, column)
            .where(DailySnapshot.jail_id == jail_id, DailySnapshot.day.between(first, last))).all())
        points = [(day, values.get(day)) for day in (first + timedelta(days=i) for i in range(days))]
        svg = daily_chart(points, label=f"{jail.name}: {series}", **self.CHARTS[series])
        return current_app.response_class(svg, mimetype="image/svg+xml",
                                          headers={"Cache-Control": "private, max-age=300"})


def register(admin) -> None:
    admin.add_view(DashboardView(name="Dashboard", category=JAILS, endpoint="dashboard"))
    admin.add_view(BookingView(Booking, db, category=JAILS, name="Bookings"))
    admin.add_view(ScrapeHealthView(name="Scrape health", category=JAILS, endpoint="scrapehealth"))
    admin.add_view(ScrapeRunView(ScrapeRun, db, category=JAILS, name="Scrape runs"))
    admin.add_view(AliasQueueView(name="Agency alias queue", category=JAILS, endpoint="aliasqueue"))
    admin.add_view(AgencyAliasView(AgencyAlias, db, category=JAILS, name="All agency aliases"))
    admin.add_view(AgencyView(Agency, db, category=JAILS, name="Agencies"))
    admin.add_view(JailView(Jail, db, category=JAILS, name="Jails"))
