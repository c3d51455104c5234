"""Sign-in hardening: failed attempts are limited in a store every process shares (the
database, or Redis when configured), disabled accounts are refused and lose their sessions,
and the cookies are hardened."""
from __future__ import annotations

import re
import pytest

from app import create_app
from app.extensions import db
from app.models import LoginThrottle, User
from app.models.types import utcnow
from app.services.locks import namespaced
from tests.admin.conftest import PASSWORD, sign_in
from tests.conftest import TEST_REDIS_URL


def _attempt(client, login, password):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/auth/login", data={"login": login, "password": password, "csrf_token": token})


def _lock_out(client, login="north_ac", attempts=5):
    for _ in range(attempts):
        assert _attempt(client, login, "wrong password").status_code == 401


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, client, world):
    _lock_out(client)
    response = _attempt(client, "north_ac", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code in (302, 303)
    # Other accounts are not affected by one account's lock.
    assert _attempt(client, "south_ac", PASSWORD).status_code in (302, 303)
    with app.app_context():
        assert db.session.get(LoginThrottle, "account:north_ac").failures == 5


def test_the_lock_is_shared_by_every_process(app, client, world):
    """A second app on the same database (another web worker) sees the same count."""
    _lock_out(client)
    other = create_app(dict(app.config))
    assert _attempt(other.test_client(), "north_ac", PASSWORD).status_code == 429
    with other.app_context():
        db.engine.dispose()


def test_the_lock_ends_with_its_window(app, client, world):
    _lock_out(client)
    with app.app_context():
        row = db.session.get(LoginThrottle, "account:north_ac")
        row.window_started_at = utcnow().replace(year=2000)
        db.session.commit()
    assert _attempt(client, "north_ac", PASSWORD).status_code in (302, 303)
    with app.app_context():  # a successful sign-in clears the account's count
        assert db.session.get(LoginThrottle, "account:north_ac") is None


def test_many_accounts_from_one_address_are_limited_too(app, client, world):
    for i in range(20):
        _attempt(client, f"guess{i}", "wrong password")
    assert _attempt(client, "south_ac", PASSWORD).status_code == 429


@pytest.mark.redis
def test_with_redis_configured_the_counts_live_in_redis(world, app):
    import redis

    app.config["REDIS_URL"] = TEST_REDIS_URL
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    client = app.test_client()
    login = "north_ac"
    server = redis.Redis.from_url(TEST_REDIS_URL)
    with app.app_context():
        prefix = namespaced("login-failures:")
    key = f"{prefix}account:{login}"
    server.delete(key)
    try:
        _lock_out(client, login, attempts=3)
        assert int(server.get(key)) == 3
        assert 0 < server.ttl(key) <= 15 * 60
        assert _attempt(client, login, PASSWORD).status_code == 429
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(LoginThrottle)) == 0
        server.delete(key)
        assert _attempt(client, login, PASSWORD).status_code in (302, 303)
    finally:
        server.delete(key, f"{prefix}address:127.0.0.1")
        server.close()


def test_disabled_accounts_cannot_sign_in_and_lose_open_sessions(app, client, world):
    sign_in(client, "north_ac")
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        user = db.session.get(User, world.north_ac)
        user.disabled_at, user.disabled_by = utcnow(), world.admin
        db.session.commit()
    assert client.get("/admin/").status_code in (302, 303)  # the open session is gone
    response = _attempt(client, "north_ac", PASSWORD)
    assert response.status_code == 403
    assert "disabled" in response.get_data(as_text=True)


def test_disabling_from_the_users_page_signs_the_user_out(app, world):
    coordinator, administrator = app.test_client(), app.test_client()
    sign_in(coordinator, "north_ac")
    sign_in(administrator, "admin")
    from tests.admin.conftest import form_token

    administrator.post("/admin/user/action/", data={"csrf_token": form_token(administrator),
                                                    "action": "disable", "rowid": [world.north_ac]})
    assert coordinator.get("/admin/officer/").status_code in (302, 303)


def test_session_cookie_is_hardened(app, client, world):
    response = _attempt(client, "north_ac", PASSWORD)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("OVERSIGHT_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_sign_in_starts_a_fresh_session(app, client, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "north_ac")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_in_never_redirects_off_site(app, client, world):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login?next=https://evil.example/", data={
        "login": "north_ac", "password": PASSWORD, "csrf_token": token})
    assert "evil.example" not in response.headers["Location"]
