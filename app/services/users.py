"""Creating and managing accounts."""
from __future__ import annotations

import secrets

from sqlalchemy import func, or_

from ..extensions import db
from ..models import User
from ..models.types import utcnow


class UserError(ValueError):
    pass


def create_admin(*, email: str, username: str, password: str) -> User:
    if len(password) < 8:
        raise UserError("password must be at least 8 characters")
    if "@" not in email:
        raise UserError(f"{email!r} is not an e-mail address")
    clash = db.session.execute(
        db.select(User).where(or_(func.lower(User.username) == username.lower(),
                                  func.lower(User.email) == email.lower()))
    ).scalar_one_or_none()
    if clash is not None:
        raise UserError(f"a user named {clash.username!r} or with e-mail {clash.email!r} exists")
    user = User(email=email.lower(), username=username, is_administrator=True)
    user.password = password
    db.session.add(user)
    db.session.flush()
    now = utcnow()
    user.confirmed_at, user.confirmed_by = now, user.id
    user.approved_at, user.approved_by = now, user.id
    db.session.commit()
    return user


def ensure_first_admin(username: str = "admin") -> tuple[User, str | None]:
    """Return the first administrator, creating one with a random password when there is
    none. The password is returned only when it was just made, so it is shown once."""
    existing = db.session.execute(
        db.select(User).filter_by(is_administrator=True).order_by(User.id).limit(1)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, None
    password = secrets.token_urlsafe(12)
    user = create_admin(email=f"{username}@localhost.localdomain", username=username, password=password)
    return user, password
