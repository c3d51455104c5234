"""Creating and managing accounts."""
from __future__ import annotations

import secrets

from sqlalchemy import func, or_

from ..extensions import db
from ..models import User
from ..models.types import utcnow


class UserError(ValueError):
    pass


MIN_PASSWORD = 8


def find_clash(username: str, email: str, *, other_than: int | None = None) -> User | None:
    """An account (other than ``other_than``) that already has this username or e-mail,
    compared without case."""
    query = db.select(User).where(or_(func.lower(User.username) == username.lower(),
                                      func.lower(User.email) == email.lower()))
    if other_than is not None:
        query = query.where(User.id != other_than)
    return db.session.scalars(query.limit(1)).first()


def create_admin(*, email: str, username: str, password: str) -> User:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password must be at least {MIN_PASSWORD} characters")
    if "@" not in email:
        raise UserError(f"{email!r} is not an e-mail address")
    clash = find_clash(username, email)
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
