"""Signed-in devices: one row per sign-in, so that signing out ends it for good."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now


class UserSession(Base):
    """One sign-in on one device. The browser's cookies carry a random token; only its
    hash is stored, and deleting the row signs that device out (remember-me included)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class FormSubmission(Base):
    """A form that was submitted once: its key (one per rendered form) and where its
    result lives, so that a second submit of the same form returns the first result."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        Index("uq_form_submissions_user_id_key", "user_id", "key", unique=True),
        Index("ix_form_submissions_created_at", "created_at"),
    )
