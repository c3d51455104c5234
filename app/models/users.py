"""Accounts: administrators and department-scoped area coordinators."""
from __future__ import annotations

import uuid

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(confirmed_at IS NULL) = (confirmed_by IS NULL)", name="users_confirmed_pair"
        ),
        CheckConstraint("(approved_at IS NULL) = (approved_by IS NULL)", name="users_approved_pair"),
        CheckConstraint("(disabled_at IS NULL) = (disabled_by IS NULL)", name="users_disabled_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Flask-Login's id; regenerated when the password or e-mail changes so old sessions die.
    _uuid: Mapped[str] = mapped_column(
        String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4())
    )
    email: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    confirmed_at = mapped_column(UTCDateTime)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at = mapped_column(UTCDateTime)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disabled_at = mapped_column(UTCDateTime)
    disabled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_area_coordinator: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # use_alter: users and departments reference each other (departments.created_by).
    ac_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", use_alter=True, ondelete="SET NULL"))
    is_administrator: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    dept_pref: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", use_alter=True, ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, server_default=func.now())

    ac_department = relationship("Department", foreign_keys=[ac_department_id], back_populates="coordinators")

    def get_id(self) -> str:
        return self._uuid

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def password(self):
        raise AttributeError("password is write-only")

    @password.setter
    def password(self, plaintext: str) -> None:
        self.password_hash = generate_password_hash(plaintext)
        self._uuid = str(uuid.uuid4())

    def verify_password(self, plaintext: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, plaintext)

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"

    def __str__(self) -> str:
        return self.username or self.email or f"user {self.id}"


class LoginThrottle(db.Model):
    """Failed sign-in attempts per key (an account or a client address) in the current
    window. Kept in the database so every web process sees the same count; Redis holds the
    same counters instead when it is configured."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    window_started_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
