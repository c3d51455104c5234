"""The Flask-Admin back office. ``init_admin`` builds a fresh Admin per app (never a
module-level instance, so tests can create many apps)."""
from __future__ import annotations

from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import csrf, db
from . import policy
from .base import refuse_or_login


class HomeView(AdminIndexView):
    def is_accessible(self):
        return policy.may_enter_back_office(current_user)

    def inaccessible_callback(self, name, **kwargs):
        return refuse_or_login()

    @expose("/")
    def index(self):
        from ..models import Department, Incident, Officer

        department = None
        counts = {}
        if policy.is_coordinator(current_user):
            department = db.session.get(Department, current_user.ac_department_id)
            for label, model in (("officers", Officer), ("incidents", Incident)):
                counts[label] = db.session.scalar(
                    select(func.count()).select_from(model).where(
                        policy.department_criterion(model, department.id)))
        return self.render("admin/home.html", department=department, counts=counts)


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name="Oversight",
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/oversight_base.html"),
        index_view=HomeView(url="/admin", template="admin/home.html"),
    )
    from .views import register_views

    register_views(admin)
    # Back-office forms carry Flask-Admin's SecureForm token; Flask-WTF's global check
    # would refuse that token, so the back office relies on SecureForm alone.
    for view in admin._views:
        if view.blueprint is not None:
            csrf.exempt(view.blueprint)
    return admin
