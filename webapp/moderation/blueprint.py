"""The community moderators' pages, behind one guard: `/c/<name>/mod/…` for one
community (its owner, moderators and site admins) and `/mod/…` across every community
a person moderates (anyone who moderates one, and site admins)."""

from __future__ import annotations

from flask import Blueprint, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, select

from webapp.communities import permissions
from webapp.communities.queries import community_by_name
from webapp.error_pages import render_error
from webapp.extensions import db
from webapp.htmx import sign_in_first
from webapp.models import Membership
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.urls import back_url

bp = Blueprint("mod", __name__)


def moderates_any_community(user) -> bool:
    """Site admins, and people who own or moderate at least one community."""
    if user.is_admin:
        return True
    statement = select(
        exists().where(
            Membership.user_id == user.id, Membership.role.in_((ROLE_MODERATOR, ROLE_OWNER))
        )
    )
    return bool(db.session.scalar(statement))


@bp.before_request
def guard_moderator_pages():
    """Guests sign in; people who do not moderate here get the 403 page. For a
    `/c/<name>/mod/…` page the community is loaded once, into `g.community`."""
    name = (request.view_args or {}).get("name")
    community = community_by_name(name) if name is not None else None
    if name is not None and community is None:
        return render_error(404)
    if not current_user.is_authenticated:
        come_back = request.full_path.rstrip("?") if request.method == "GET" else None
        return sign_in_first(come_back or back_url(url_for("feeds.home")))
    if community is not None:
        g.community = community
        g.membership = permissions.membership_of(current_user, community.id)
        if permissions.is_moderator(current_user, g.membership):
            return None
        return render_error(403, _l("Only this community's moderators can do that."))
    if moderates_any_community(current_user):
        return None
    return render_error(403, _l("Only moderators can open this page."))
