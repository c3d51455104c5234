"""The Flask-Admin back office. ``init_admin`` builds a fresh Admin per app (never a
module-level instance, so tests can create many apps)."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user


class HomeView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated and (
            current_user.is_administrator or current_user.is_area_coordinator
        )

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        return self.render("admin/home.html")


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name="Oversight",
        theme=Bootstrap4Theme(swatch="default"),
        index_view=HomeView(url="/admin", template="admin/home.html"),
    )
    from .views import register_views

    register_views(admin)
    return admin
