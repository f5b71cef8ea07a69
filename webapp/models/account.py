"""What accounts keep beside the user row: two-factor recovery codes, and the
usernames of deleted accounts, held back for a while before anyone may take them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now


class RecoveryCode(Base):
    """One single-use code that signs in instead of an authenticator's code. Only a
    hash is stored; the codes are shown once, when they are made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_recovery_codes_user_id", "user_id"),)


class HeldUsername(Base):
    """The username of a deleted account (lower case), which nobody may take before
    `held_until`: links and mentions of the old name do not pass to a stranger at once."""

    __tablename__ = "held_usernames"

    username: Mapped[str] = mapped_column(String(30), primary_key=True)
    held_until: Mapped[datetime] = mapped_column(UTCDateTime)
