"""Sign-in and sign-out. Accounts are created by administrators (``flask create-admin`` or
the Users admin view); there is no self-registration.

Failed sign-ins are counted per account and per client address in a shared store (Redis
when ``REDIS_URL`` is set, otherwise the ``login_throttles`` table), so the limit holds
across every web process and survives restarts. Past the limit, sign-in is refused without
checking the password until the window has passed.
"""
from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlparse

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .extensions import db, login_manager
from .models import LoginThrottle, User
from .models.types import utcnow
from .services.locks import namespaced, redis_client

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@bp.record_once
def _harden_cookies(state) -> None:
    """Cookie settings the environment does not already decide."""
    config = state.app.config
    config.setdefault("REMEMBER_COOKIE_SECURE", config.get("SESSION_COOKIE_SECURE", False))
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=14))
    config["PERMANENT_SESSION_LIFETIME"] = min(
        config.get("PERMANENT_SESSION_LIFETIME", timedelta(hours=12)), timedelta(hours=12))


@login_manager.user_loader
def load_user(user_uuid: str):
    user = db.session.execute(db.select(User).filter_by(_uuid=user_uuid)).scalar_one_or_none()
    # A disabled account loses its open sessions and remember-me cookies at once.
    if user is None or not user.is_active:
        return None
    return user


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


# ---- failed sign-in counting ---------------------------------------------------------

class DatabaseThrottle:
    """Fixed-window failure counters in ``login_throttles``."""

    def __init__(self, window: timedelta):
        self.window = window

    def failures(self, key: str) -> tuple[int, float]:
        """Failures in the current window and the seconds until it ends."""
        row = db.session.get(LoginThrottle, key)
        if row is None:
            return 0, 0.0
        remaining = (row.window_started_at + self.window - utcnow()).total_seconds()
        return (row.failures, remaining) if remaining > 0 else (0, 0.0)

    def record_failure(self, key: str) -> None:
        now = utcnow()
        for _ in range(3):
            # One statement so concurrent failures all count.
            bumped = db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key, LoginThrottle.window_started_at > now - self.window)
                .values(failures=LoginThrottle.failures + 1)
            ).rowcount
            if bumped:
                db.session.commit()
                return
            db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
            db.session.add(LoginThrottle(key=key, failures=1, window_started_at=now))
            try:
                db.session.commit()
                return
            except IntegrityError:  # another process opened the window first: count on it
                db.session.rollback()

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
        db.session.commit()


class RedisThrottle:
    """The same counters as keys that expire with their window."""

    def __init__(self, client, window: timedelta):
        self.client = client
        self.window = window
        self.prefix = namespaced("login-failures:")

    def failures(self, key: str) -> tuple[int, float]:
        pipe = self.client.pipeline()
        pipe.get(self.prefix + key)
        pipe.pttl(self.prefix + key)
        count, ttl_ms = pipe.execute()
        return int(count or 0), max(ttl_ms or 0, 0) / 1000

    def record_failure(self, key: str) -> None:
        name = self.prefix + key
        pipe = self.client.pipeline()
        pipe.incr(name)
        # NX: the window starts at the first failure and is not pushed back by later ones.
        pipe.expire(name, int(self.window.total_seconds()), nx=True)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)


def login_throttle():
    app = current_app._get_current_object()
    window = timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        return DatabaseThrottle(window)
    return RedisThrottle(redis_client(redis_url), window)


def _throttle_keys(login: str) -> list[tuple[str, int]]:
    config = current_app.config
    return [
        (f"account:{login.strip().lower()}",
         config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (f"address:{request.remote_addr or 'unknown'}",
         config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ]


def _locked_for(throttle, keys) -> float:
    """Seconds until sign-in may be tried again; 0 when it may be tried now."""
    waits = [remaining for key, limit in keys
             for count, remaining in [throttle.failures(key)] if count >= limit]
    return max(waits, default=0.0)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    status = 401 if request.method == "POST" else 200
    if form.validate_on_submit():
        throttle = login_throttle()
        keys = _throttle_keys(form.login.data)
        wait = _locked_for(throttle, keys)
        if wait:
            flash(f"Too many failed sign-ins. Try again in {math.ceil(wait / 60)} minute(s).", "error")
            return render_template("auth/login.html", form=form), 429
        user = find_user(form.login.data)
        if user is None or not user.verify_password(form.password.data):
            for key, _limit in keys:
                throttle.record_failure(key)
            flash("Unknown user or wrong password.", "error")
        elif not user.is_active:
            flash("This account is disabled.", "error")
            status = 403
        else:
            throttle.clear(keys[0][0])
            next_url = _safe_next(request.args.get("next"))
            # A fresh session on sign-in: nothing planted before it carries over.
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(next_url or url_for("admin.index"))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
