"""Writes for reports: filing one (once per person and item) and resolving one in a
single step (remove, dismiss or ban), which closes every open report of the same item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from webapp.comments.services import remove_comment
from webapp.communities.permissions import require_moderator
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Comment, Community, Post, Report, User, utc_now
from webapp.models.report import (
    DETAILS_MAX,
    REPORT_REASONS,
    REPORT_TARGETS,
    STATUS_BANNED,
    STATUS_DISMISSED,
    STATUS_OPEN,
    STATUS_REMOVED,
)
from webapp.moderation.log import BAN_DAYS_MAX, BAN_DAYS_MESSAGE, REASON_MAX, record_action
from webapp.posts.services import remove_post
from webapp.reports import permissions


class ReportError(DomainError):
    """A rule of this area was broken."""


@dataclass(frozen=True)
class ReportTarget:
    """What a report is about: the kind and id, who is behind it (the person, or the
    author), which community's moderators see it, and a short label for the log."""

    kind: str
    id: int
    owner_id: int | None
    community_id: int | None
    label: str


def _not_found() -> ReportError:
    return ReportError(_l("There is nothing to report here."), status=404)


def find_target(kind: str, target_id: int) -> ReportTarget:
    """The reportable thing `kind`/`target_id` (404 when it is gone or taken down)."""
    if kind == "post":
        post = db.session.get(Post, target_id)
        if post is None or not post.is_visible:
            raise _not_found()
        return ReportTarget(kind, post.id, post.author_id, post.community_id, post.title)
    if kind == "comment":
        row = db.session.execute(
            select(Comment, Post.community_id)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.id == target_id)
        ).first()
        if row is None or not row[0].is_visible:
            raise _not_found()
        comment, community_id = row
        return ReportTarget(
            kind, comment.id, comment.author_id, community_id, comment.body_text[:200]
        )
    if kind == "user":
        user = db.session.get(User, target_id)
        if user is None:
            raise _not_found()
        return ReportTarget(kind, user.id, user.id, None, user.profile.username)
    if kind == "community":
        community = db.session.get(Community, target_id)
        if community is None:
            raise _not_found()
        # A report of a whole community goes to the site admins, not to the
        # moderators it complains about.
        return ReportTarget(kind, community.id, None, None, community.name)
    raise _not_found()


def checked_details(reason: str | None, details: str | None) -> tuple[str, str]:
    """The reason (one of REPORT_REASONS) and the details, stripped: required for
    "other", at most DETAILS_MAX characters."""
    reason = (reason or "").strip()
    details = (details or "").strip()
    if reason not in REPORT_REASONS:
        raise ReportError(_l("Choose why you report this."), "reason")
    if len(details) > DETAILS_MAX:
        raise ReportError(_l("Details have at most 1000 characters."), "details")
    if reason == "other" and not details:
        raise ReportError(_l("Tell the moderators what is wrong."), "details")
    return reason, details


def file_report(
    reporter: User, kind: str, target_id: int, reason: str | None, details: str | None
) -> Report:
    """`reporter` reports the item, once: a second report of it is refused (409)."""
    if kind not in REPORT_TARGETS:
        raise _not_found()
    target = find_target(kind, target_id)
    if not permissions.can_report(reporter, target.owner_id):
        raise ReportError(_l("You cannot report yourself or what you wrote."), status=403)
    reason, details = checked_details(reason, details)
    report = Report(
        reporter_id=reporter.id,
        target_type=target.kind,
        target_id=target.id,
        target_user_id=target.owner_id,
        community_id=target.community_id,
        reason=reason,
        details=details,
        status=STATUS_OPEN,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # the unique constraint one_per_reporter
        raise ReportError(_l("You have already reported this."), status=409) from None
    return report


# -- Resolving --------------------------------------------------------------------------


def checked_resolution_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(_l("Say why you resolve the report this way."), "reason")
    if len(reason) > REASON_MAX:
        raise ReportError(_l("A reason has at most 500 characters."), "reason")
    return reason


def checked_ban_days(ban_days: int | str | None) -> int | None:
    """Days of a ban (None: until lifted)."""
    if ban_days is None or ban_days == "":
        return None
    try:
        days = int(ban_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= BAN_DAYS_MAX:
        raise ReportError(BAN_DAYS_MESSAGE, "ban_days")
    return days


def _require_resolver(actor: User, report: Report) -> None:
    """Site admins resolve any report; moderators the reports of their communities."""
    if actor.is_admin:
        return
    if report.community_id is None:
        raise ReportError(_l("Only site administrators can resolve this report."), status=403)
    require_moderator(actor, report.community_id)


def _remove(actor: User, report: Report, reason: str) -> None:
    if report.target_type == "post":
        post = db.session.get(Post, report.target_id)
        if post is not None:
            remove_post(actor, post, reason)
    elif report.target_type == "comment":
        comment = db.session.get(Comment, report.target_id)
        if comment is not None:
            remove_comment(actor, comment, reason)


def _ban(actor: User, report: Report, reason: str, days: int | None, site_wide: bool) -> None:
    target_user = db.session.get(User, report.target_user_id)
    if target_user is None:
        raise ReportError(_l("That account no longer exists."), status=409)
    until = utc_now() + timedelta(days=days) if days else None
    # Written by the admin and community areas; imported here, when a ban is asked for.
    if site_wide:
        from webapp.admin.services import ban_user

        ban_user(actor, target_user, reason, until)
    else:
        from webapp.communities.bans import ban_from_community

        community = db.session.get(Community, report.community_id)
        if community is None:  # deleted meanwhile (its reports go with it)
            raise ReportError(
                _l("That no longer exists. Reload the page to see what changed."), status=409
            )
        ban_from_community(actor, community, target_user, reason, until)


def _label(report: Report) -> str:
    try:
        return find_target(report.target_type, report.target_id).label
    except ReportError:
        return ""


def resolve_report(
    actor: User,
    report: Report,
    outcome: str,
    reason: str | None,
    ban_days: int | str | None = None,
    *,
    site_wide: bool | None = None,
) -> int:
    """Resolve `report` with `outcome` (removed, dismissed, banned) and a reason; every
    open report of the same item is closed with it. A ban is from the whole site when
    `site_wide` (the default for site admins, who act from /admin), else from the
    report's community. Returns how many reports were closed."""
    _require_resolver(actor, report)
    site_wide = actor.is_admin if site_wide is None else (site_wide and actor.is_admin)
    if report.status != STATUS_OPEN:
        raise ReportError(_l("This report has been resolved already."), status=409)
    if outcome not in permissions.outcomes_for(report, site_wide=site_wide):
        raise ReportError(_l("Choose what to do about this report."), "outcome")
    reason = checked_resolution_reason(reason)
    days = checked_ban_days(ban_days) if outcome == STATUS_BANNED else None
    if outcome == STATUS_REMOVED:
        _remove(actor, report, reason)
    elif outcome == STATUS_BANNED:
        _ban(actor, report, reason, days, site_wide)
    elif outcome == STATUS_DISMISSED:
        record_action(
            actor.id,
            "dismiss_report",
            report.target_type,
            report.target_id,
            community_id=report.community_id,
            reason=reason,
            target_label=_label(report),
        )
    # An UPDATE's result is a CursorResult (with rowcount); Session.execute says Result.
    closed = cast(
        CursorResult,
        db.session.execute(
            update(Report)
            .where(
                Report.target_type == report.target_type,
                Report.target_id == report.target_id,
                Report.status == STATUS_OPEN,
            )
            .values(
                status=outcome,
                resolved_at=utc_now(),
                resolved_by_id=actor.id,
                resolution_reason=reason,
            )
            .execution_options(synchronize_session=False),
        ),
    ).rowcount
    db.session.refresh(report)
    return closed


__all__ = [
    "STATUS_BANNED",
    "STATUS_DISMISSED",
    "STATUS_REMOVED",
    "ReportError",
    "file_report",
    "find_target",
    "resolve_report",
]
