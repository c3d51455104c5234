"""Sign-in and sign-out. Accounts are created by administrators (``flask create-admin`` or
the Users admin view); there is no self-registration."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .extensions import db, login_manager
from .models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_uuid: str):
    return db.session.execute(db.select(User).filter_by(_uuid=user_uuid)).scalar_one_or_none()


class LoginForm(FlaskForm):
    login = StringField("Username or e-mail", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login is a phishing aid."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def find_user(login: str) -> User | None:
    login = login.strip().lower()
    return db.session.execute(
        db.select(User).where(or_(func.lower(User.username) == login, func.lower(User.email) == login))
    ).scalar_one_or_none()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.login.data)
        if user is None or not user.verify_password(form.password.data):
            flash("Unknown user or wrong password.", "error")
        elif not user.is_active:
            flash("This account is disabled.", "error")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("admin.index"))
    return render_template("auth/login.html", form=form), (401 if request.method == "POST" else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
