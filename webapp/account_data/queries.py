"""Reads for the "Your data" and "Delete your account" pages."""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Community, Membership, User
from webapp.models.community import ROLE_OWNER


def owned_communities(user: User) -> list[Community]:
    """The communities `user` owns (they must hand each over before leaving), by name."""
    statement = (
        select(Community)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == user.id, Membership.role == ROLE_OWNER)
        .order_by(Community.name)
    )
    return list(db.session.scalars(statement))
