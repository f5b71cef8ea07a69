"""Recording moderation: every admin or moderator action leaves an entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import ModerationAction

REASON_MAX = 500
BAN_DAYS_MAX = 3650  # the longest ban with an end, site-wide or from a community
BAN_DAYS_MESSAGE = _l("A ban lasts from 1 to 3,650 days (or leave it empty for no end).")


def checked_reason(reason: str | None) -> str:
    """A moderator's reason, stripped: required, and short enough for the log."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why this is removed."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("A reason has at most 500 characters."), "reason")
    return reason


def record_action(
    actor_id: int,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    community_id: int | None = None,
    reason: str = "",
    target_label: str = "",
) -> None:
    """Add a log entry to the current transaction (the caller commits)."""
    db.session.add(
        ModerationAction(
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            community_id=community_id,
            reason=reason[:REASON_MAX],
            target_label=target_label[:200],
        )
    )


ACTION_LABELS = {
    "edit_community": _l("edited the community"),
    "appoint_moderator": _l("appointed a moderator"),
    "dismiss_moderator": _l("removed a moderator"),
    "pin_post": _l("pinned a post"),
    "unpin_post": _l("unpinned a post"),
    "lock_post": _l("locked a post"),
    "unlock_post": _l("unlocked a post"),
    "remove_post": _l("removed a post"),
    "restore_post": _l("restored a post"),
    "remove_comment": _l("removed a comment"),
    "restore_comment": _l("restored a comment"),
    "ban_user": _l("banned a person from the site"),
    "unban_user": _l("lifted a person's ban"),
    "promote_admin": _l("made a person a site admin"),
    "demote_admin": _l("removed a site admin"),
    "purge_user": _l("removed everything a person wrote"),
    "transfer_community": _l("handed a community to a new owner"),
    "delete_community": _l("deleted a community"),
    "ban_from_community": _l("banned a person from the community"),
    "unban_from_community": _l("lifted a person's community ban"),
    "dismiss_report": _l("dismissed a report"),
    "edit_site_settings": _l("changed the site settings"),
}


def action_label(action: str) -> str:
    """A readable, translated description of a log entry's action."""
    return str(ACTION_LABELS.get(action, action))
