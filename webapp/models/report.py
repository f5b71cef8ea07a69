"""Reports: a signed-in person tells the moderators about a post, comment, person or
community, once per item; a moderator resolves it and the outcome stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now

REPORT_TARGETS = ("post", "comment", "user", "community")
REPORT_REASONS = ("spam", "harassment", "hate", "violence", "illegal", "rules", "other")
STATUS_OPEN = "open"
# How a report was resolved: the content was removed, the report dismissed, or the
# person behind it banned.
STATUS_REMOVED = "removed"
STATUS_DISMISSED = "dismissed"
STATUS_BANNED = "banned"
REPORT_STATUSES = (STATUS_OPEN, STATUS_REMOVED, STATUS_DISMISSED, STATUS_BANNED)
DETAILS_MAX = 1000


class Report(Base):
    """One person's report of one item. `target_user_id` is the person reported or the
    author of the reported post or comment; `community_id` decides which moderators see
    it (None for a report of a person: only site admins see those)."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(String(DETAILS_MAX), default="")
    status: Mapped[str] = mapped_column(String(16), default=STATUS_OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution_reason: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        UniqueConstraint("reporter_id", "target_type", "target_id", name="one_per_reporter"),
        CheckConstraint(f"target_type IN {REPORT_TARGETS!r}", name="target_type_known"),
        CheckConstraint(f"reason IN {REPORT_REASONS!r}", name="reason_known"),
        CheckConstraint(f"status IN {REPORT_STATUSES!r}", name="status_known"),
        Index("ix_reports_status_created_at_id", "status", "created_at", "id"),
        Index(
            "ix_reports_community_id_status_created_at_id",
            "community_id",
            "status",
            "created_at",
            "id",
        ),
        Index("ix_reports_target_type_target_id", "target_type", "target_id"),
        Index("ix_reports_target_user_id_created_at_id", "target_user_id", "created_at", "id"),
    )
