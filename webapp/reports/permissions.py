"""Who may report what, and who may resolve a report: the one place these rules live
(services enforce them; templates ask them, so no page offers what would be refused)."""

from __future__ import annotations

from webapp.communities import permissions as community_permissions
from webapp.models import Report
from webapp.models.report import STATUS_BANNED, STATUS_DISMISSED, STATUS_REMOVED


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def can_report(user, owner_id: int | None) -> bool:
    """Anyone signed in reports what is not theirs (`owner_id`: the person reported, or
    the author of the post or comment). Guests are offered the link too: it asks them
    to sign in first (see `offers_report_link`)."""
    return _signed_in(user) and owner_id != user.id


def offers_report_link(user, owner_id: int | None) -> bool:
    """A "Report" link shows to guests (it leads to sign in) and to anyone signed in
    who is not the owner of the thing."""
    return not _signed_in(user) or owner_id != user.id


def can_resolve(user, report: Report) -> bool:
    """Site admins resolve every report; a community's moderators resolve reports of
    their community. Reports of a person (or of a community) go to site admins only."""
    if not _signed_in(user):
        return False
    if user.is_admin:
        return True
    if report.community_id is None:
        return False
    membership = community_permissions.membership_of(user, report.community_id)
    return community_permissions.is_moderator(user, membership)


def outcomes_for(report: Report, *, site_wide: bool) -> tuple[str, ...]:
    """The outcomes a resolver can choose for `report`: removal for posts and comments
    only, a ban when someone is behind the report. `site_wide` is false on the
    moderators' pages, where a ban is a ban from the community (so a person or a
    community report, which has no community, offers no ban there)."""
    outcomes = []
    if report.target_type in ("post", "comment"):
        outcomes.append(STATUS_REMOVED)
    outcomes.append(STATUS_DISMISSED)
    if report.target_user_id is not None and (site_wide or report.community_id is not None):
        outcomes.append(STATUS_BANNED)
    return tuple(outcomes)
