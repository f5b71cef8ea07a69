"""Reading reports: the queues and the count in the header."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from webapp.admin.permissions import can_open_admin
from webapp.models import Membership, Report, User
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.models.report import STATUS_OPEN

_MODERATING = (ROLE_MODERATOR, ROLE_OWNER)


def open_reports_column() -> ColumnElement[int | None]:
    """For the signed-in person (the `User` row of the statement it is put in): the
    number of open reports they can act on (all for a site admin, their communities'
    for a moderator), or NULL when they moderate nothing. The user loader selects it
    with the person, so the header's count costs no statement of its own."""
    moderated = select(Membership.community_id).where(
        Membership.user_id == User.id, Membership.role.in_(_MODERATING)
    )
    count = (
        select(func.count())
        .select_from(Report)
        .where(
            Report.status == STATUS_OPEN,
            or_(User.is_admin, Report.community_id.in_(moderated)),
        )
        .scalar_subquery()
    )
    moderates = or_(User.is_admin, exists(moderated))
    return case((moderates, count), else_=None)


def open_report_count(user) -> int | None:
    """The open reports this person can act on (see `open_reports_column`), as loaded
    with them; None for guests and people who moderate nothing."""
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "open_report_count", None)


@dataclass(frozen=True)
class ReportsLink:
    """The header's link to the report queue a person can act on, with its open count."""

    url: str
    count: int


def open_reports_link(user) -> ReportsLink | None:
    """None for people who moderate nothing; else the queue (all reports for admins,
    their communities' for moderators) and its open count."""
    count = open_report_count(user)
    if count is None:
        return None
    endpoint = "admin.reports" if can_open_admin(user) else "mod.reports"
    return ReportsLink(url_for(endpoint), count)
