"""Community pages: directory, create, page with feed, join/leave, edit, members, log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.communities import permissions, queries, services
from webapp.communities.forms import CommunityDetailsForm, ModeratorForm, NewCommunityForm
from webapp.feeds import queries as feed_queries
from webapp.feeds.rendering import render_feed, requested_order
from webapp.htmx import is_htmx, redirect_for_htmx, render_page_or_partial, sign_in_first
from webapp.ratelimits import writes
from webapp.votes.queries import my_post_votes

bp = Blueprint("communities", __name__)

PAGE_SIZE = 50


def _community_or_404(name: str):
    community = queries.community_by_name(name)
    if community is None:
        abort(404)
    return community


def _community_context(community) -> dict:
    return queries.sidebar_context(community, current_user)


@bp.route("/c/")
def directory():
    """All communities, by members, newest or name."""
    sort = request.args.get("sort", "members")
    if sort not in queries.DIRECTORY_SORTS:
        sort = "members"
    page = queries.directory_page(sort, request.args.get("cursor"), PAGE_SIZE)
    return render_page_or_partial(
        "communities/directory.html", "communities/_directory_page.html", page=page, sort=sort
    )


@bp.route("/c/new", methods=["GET", "POST"])
@login_required
@writes
def create():
    """Start a community; the creator becomes its owner."""
    form = NewCommunityForm()
    if form.validate_on_submit():
        try:
            community = services.create_community(
                current_user,
                form.name.data,
                form.title.data,
                form.description.data or "",
                form.rules.data or "",
            )
        except services.CommunityError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(_("Your community is ready. Invite people and write the first post!"), "success")
            return redirect(url_for("communities.page", name=community.name))
    return render_template("communities/new.html", form=form), 422 if form.errors else 200


@bp.route("/c/<name>")
def page(name: str):
    """A community: its posts (pinned first) and a sidebar about it."""
    community = _community_or_404(name)
    pinned = [] if request.args.get("cursor") else feed_queries.pinned_posts(community.id)
    return render_feed(
        "communities/page.html",
        requested_order(),
        community_id=community.id,
        pinned=pinned,
        pinned_votes=my_post_votes(current_user, (post.id for post in pinned)),
        **_community_context(community),
    )


def _join_response(community, membership):
    if is_htmx():
        return render_page_or_partial(
            "communities/page.html",
            "communities/_join_button.html",
            community=community,
            membership=membership,
        )
    return redirect(url_for("communities.page", name=community.name), code=303)


@bp.route("/c/<name>/join", methods=["POST"])
@writes
def join(name: str):
    """Join a community (htmx swaps the button; without JS, back to the page)."""
    community = _community_or_404(name)
    if not current_user.is_authenticated:
        return sign_in_first(url_for("communities.page", name=community.name))
    if services.join_community(current_user, community) and not is_htmx():
        flash(_("You joined %(title)s.", title=community.title), "success")
    return _join_response(community, queries.membership_of(current_user, community.id))


@bp.route("/c/<name>/leave", methods=["POST"])
@writes
def leave(name: str):
    """Leave a community."""
    community = _community_or_404(name)
    if not current_user.is_authenticated:
        return sign_in_first(url_for("communities.page", name=community.name))
    try:
        if services.leave_community(current_user, community) and not is_htmx():
            flash(_("You left %(title)s.", title=community.title), "info")
    except services.CommunityError as error:
        flash(error.message, "error")
        if is_htmx():
            return redirect_for_htmx(url_for("communities.page", name=community.name))
    return _join_response(community, queries.membership_of(current_user, community.id))


@bp.route("/c/<name>/edit", methods=["GET", "POST"])
@login_required
@writes
def edit(name: str):
    """Edit title, description and rules (moderators and owners)."""
    community = _community_or_404(name)
    context = _community_context(community)
    if not permissions.can_edit(current_user, context["membership"]):
        abort(403)
    form = CommunityDetailsForm(obj=community)
    if form.validate_on_submit():
        services.update_community(
            current_user,
            community,
            form.title.data,
            form.description.data or "",
            form.rules.data or "",
        )
        flash(_("The community has been updated."), "success")
        return redirect(url_for("communities.page", name=community.name))
    return render_template("communities/edit.html", form=form, **context), (
        422 if form.errors else 200
    )


@bp.route("/c/<name>/members")
def members(name: str):
    """Who belongs to the community, oldest members first."""
    community = _community_or_404(name)
    page = queries.members_page(community.id, request.args.get("cursor"), PAGE_SIZE)
    context = (
        {"community": community}
        if is_htmx()
        else {"form": ModeratorForm(), **_community_context(community)}
    )
    return render_page_or_partial(
        "communities/members.html", "communities/_members_page.html", page=page, **context
    )


@bp.route("/c/<name>/moderators", methods=["POST"])
@login_required
@writes
def appoint_moderator(name: str):
    """Make a member a moderator."""
    return _change_moderator(name, appoint=True)


@bp.route("/c/<name>/moderators/dismiss", methods=["POST"])
@login_required
@writes
def dismiss_moderator(name: str):
    """Make a moderator a plain member again (owners only)."""
    return _change_moderator(name, appoint=False)


def _change_moderator(name: str, appoint: bool):
    community = _community_or_404(name)
    form = ModeratorForm()
    if form.validate_on_submit():
        try:
            target = services.set_moderator(current_user, community, form.username.data, appoint)
        except services.CommunityError as error:
            if error.status == 403:
                abort(403)
            form.username.errors.append(error.message)
        else:
            message = (
                _("%(name)s is now a moderator.", name=target.profile.username)
                if appoint
                else _("%(name)s is no longer a moderator.", name=target.profile.username)
            )
            flash(message, "success")
            return redirect(url_for("communities.members", name=community.name), code=303)
    page = queries.members_page(community.id, None, PAGE_SIZE)
    return render_template(
        "communities/members.html", page=page, form=form, **_community_context(community)
    ), 422


@bp.route("/c/<name>/log")
def log(name: str):
    """The community's public moderation log."""
    community = _community_or_404(name)
    page = queries.log_page(community.id, request.args.get("cursor"), PAGE_SIZE)
    return render_template("communities/log.html", page=page, **_community_context(community))
