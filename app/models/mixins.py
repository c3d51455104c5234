"""The audit columns every officer-side table carries (OpenOversight's TrackUpdates)."""
from sqlalchemy import ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .types import UTCDateTime, utcnow


class TrackUpdates:
    created_at: Mapped[object] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, server_default=func.now()
    )
    last_updated_at: Mapped[object] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, server_default=func.now(), onupdate=utcnow
    )

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def last_updated_by(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def creator(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.created_by", lazy="select")
