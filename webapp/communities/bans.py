"""Bans from one community: its moderators (or a site admin) keep a person from
posting, commenting, voting and joining there. Reading stays open."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import CommunityBan, utc_now


def active_ban(user_id: int, community_id: int) -> CommunityBan | None:
    """The person's ban from the community, unless there is none or it has ended."""
    ban = db.session.get(CommunityBan, (community_id, user_id))
    if ban is None or (ban.expires_at is not None and ban.expires_at <= utc_now()):
        return None
    return ban


def require_not_banned(user, community_id: int) -> None:
    """Refuse (403) a write by someone banned from the community, saying why and until when."""
    ban = active_ban(user.id, community_id)
    if ban is None:
        return
    if ban.expires_at is None:
        message = _l("You are banned from this community. Reason: %(reason)s", reason=ban.reason)
    else:
        message = _l(
            "You are banned from this community until %(date)s. Reason: %(reason)s",
            date=format_datetime(ban.expires_at, "medium"),
            reason=ban.reason,
        )
    raise DomainError(message, status=403)
