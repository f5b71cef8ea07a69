"""Personal access tokens for the JSON API. Only a hash of each token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now

SCOPE_READ = "read"
SCOPE_WRITE = "write"  # read and write
TOKEN_SCOPES = (SCOPE_READ, SCOPE_WRITE)


class ApiToken(Base):
    """A named token; the secret is shown once at creation and kept only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, shown in the list so people tell tokens apart.
    token_hint: Mapped[str] = mapped_column(String(16), default="")
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_READ)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_api_tokens_user_id", "user_id"),
        CheckConstraint(f"scope IN {TOKEN_SCOPES!r}", name="scope_known"),
    )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
