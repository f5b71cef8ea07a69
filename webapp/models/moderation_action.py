"""The moderation log: what an admin or moderator did, to what, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now


class ModerationAction(Base):
    """One entry of the log; `community_id` is set for a community moderator's action."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500), default="")
    # What the target was called when the action was taken (a username, a community's
    # name, a post's title), so the log still reads well once the target is gone.
    target_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        Index("ix_moderation_actions_created_at_id", "created_at", "id"),
        Index("ix_moderation_actions_community_id_created_at", "community_id", "created_at"),
        Index("ix_moderation_actions_actor_id_created_at_id", "actor_id", "created_at", "id"),
        Index("ix_moderation_actions_action_created_at_id", "action", "created_at", "id"),
        Index(
            "ix_moderation_actions_target_type_target_id_created_at_id",
            "target_type",
            "target_id",
            "created_at",
            "id",
        ),
    )
