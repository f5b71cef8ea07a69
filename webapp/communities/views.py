"""Community pages: directory, create, page with feed, join/leave, edit, members (and
handing the community over), log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.bidi import isolate
from webapp.caching import cached_guest_page, community_scopes, directory_scopes
from webapp.communities import ownership, permissions, queries, services
from webapp.communities.forms import CommunityDetailsForm, ModeratorForm, NewCommunityForm
from webapp.feeds import queries as feed_queries
from webapp.feeds.rendering import render_feed, requested_order
from webapp.htmx import is_htmx, render_page_or_partial
from webapp.ratelimits import writes
from webapp.urls import carries_query
from webapp.votes.queries import my_post_votes
from webapp.web import errors_return_to, errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("communities", __name__)

PAGE_SIZE = 50


def _community(name: str):
    return found_or_404(queries.community_by_name(name))


def _community_url(name: str) -> str:
    return url_for("communities.page", name=name)


@bp.route("/c/")
@carries_query("sort")
@cached_guest_page(directory_scopes)
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
@signed_in()
@writes
def create():
    """Start a community; the creator becomes its owner."""
    form = NewCommunityForm()

    def page():
        return render_form("communities/new.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        community = services.create_community(current_user, form.name.data or "", *form.details())
        flash(_("Your community is ready. Invite people and write the first post!"), "success")
        return redirect(_community_url(community.name))
    return page()


@bp.route("/c/<name>")
@carries_query("sort", "t")
@cached_guest_page(community_scopes)
def page(name: str):
    """A community: its posts (pinned first) and a sidebar about it."""
    community = _community(name)
    pinned = [] if request.args.get("cursor") else feed_queries.pinned_posts(community.id)
    return render_feed(
        "communities/page.html",
        requested_order(),
        community_id=community.id,
        pinned=pinned,
        pinned_votes=my_post_votes(current_user, (post.id for post in pinned)),
        **queries.community_sidebar(community, current_user).context(),
    )


def _join_response(community):
    if is_htmx():
        return render_page_or_partial(
            "communities/page.html",
            "communities/_join_button.html",
            community=community,
            membership=queries.membership_of(current_user, community.id),
        )
    return redirect(_community_url(community.name), code=303)


@bp.route("/c/<name>/join", methods=["POST"])
@signed_in(_community_url)
@writes
def join(name: str):
    """Join a community (htmx swaps the button; without JS, back to the page)."""
    community = _community(name)
    if services.join_community(current_user, community) and not is_htmx():
        flash(_("You joined %(title)s.", title=isolate(community.title)), "success")
    return _join_response(community)


@bp.route("/c/<name>/leave", methods=["POST"])
@signed_in(_community_url)
@writes
def leave(name: str):
    """Leave a community."""
    community = _community(name)
    errors_return_to(_community_url(community.name))
    if services.leave_community(current_user, community) and not is_htmx():
        flash(_("You left %(title)s.", title=isolate(community.title)), "info")
    return _join_response(community)


@bp.route("/c/<name>/edit", methods=["GET", "POST"])
@signed_in()
@writes
def edit(name: str):
    """Edit title, description and rules (moderators and owners)."""
    community = _community(name)
    sidebar = queries.community_sidebar(community, current_user)
    if not permissions.can_edit(current_user, sidebar.membership):
        abort(403)
    form = CommunityDetailsForm(obj=community)

    def page():
        return render_form("communities/edit.html", form, **sidebar.context())

    if form.validate_on_submit():
        errors_show_in(form, page)
        services.update_community(current_user, community, *form.details())
        flash(_("The community has been updated."), "success")
        return redirect(_community_url(community.name))
    return page()


def _members_context(community, form=None, owner_form=None) -> dict:
    """What the full members page shows besides the list: the sidebar, the moderators'
    form, and the owner's hand-over form."""
    sidebar = queries.community_sidebar(community, current_user)
    return {
        "form": form if form is not None else ModeratorForm(),
        "owner_form": owner_form if owner_form is not None else ModeratorForm(prefix="owner"),
        "can_hand_over": ownership.can_hand_over(current_user, sidebar.membership),
        **sidebar.context(),
    }


@bp.route("/c/<name>/members")
def members(name: str):
    """Who belongs to the community, oldest members first."""
    community = _community(name)
    page = queries.members_page(community.id, request.args.get("cursor"), PAGE_SIZE)
    context = {"community": community} if is_htmx() else _members_context(community)
    return render_page_or_partial(
        "communities/members.html", "communities/_members_page.html", page=page, **context
    )


@bp.route("/c/<name>/owner", methods=["POST"])
@signed_in(lambda name: url_for("communities.members", name=name))
@writes
def hand_over(name: str):
    """The owner hands the community to one of its members (and stays a moderator)."""
    community = _community(name)
    owner_form = ModeratorForm(prefix="owner")

    def page():
        return _members_page_refused(community, owner_form=owner_form)

    if not owner_form.validate_on_submit():
        return page()
    errors_show_in(owner_form, page)
    new_owner = ownership.hand_over_community(
        current_user, community, owner_form.username.data or ""
    )
    flash(
        _(
            "%(name)s now owns %(title)s. You stay on as a moderator.",
            name=isolate(new_owner.profile.username),
            title=isolate(community.title),
        ),
        "success",
    )
    return redirect(url_for("communities.members", name=community.name), code=303)


@bp.route("/c/<name>/moderators", methods=["POST"])
@signed_in(_community_url)
@writes
def appoint_moderator(name: str):
    """Make a member a moderator."""
    return _change_moderator(name, appoint=True)


@bp.route("/c/<name>/moderators/dismiss", methods=["POST"])
@signed_in(_community_url)
@writes
def dismiss_moderator(name: str):
    """Make a moderator a plain member again (owners only)."""
    return _change_moderator(name, appoint=False)


def _members_page_refused(community, **forms):
    """The members page again (422), with the form that was refused and its messages."""
    members_page = queries.members_page(community.id, None, PAGE_SIZE)
    context = _members_context(community, **forms)
    return render_template("communities/members.html", page=members_page, **context), 422


def _change_moderator(name: str, appoint: bool):
    community = _community(name)
    form = ModeratorForm()

    def page():
        return _members_page_refused(community, form=form)

    if not form.validate_on_submit():
        return page()
    errors_show_in(form, page)
    target = services.set_moderator(current_user, community, form.username.data or "", appoint)
    message = (
        _("%(name)s is now a moderator.", name=target.profile.username)
        if appoint
        else _("%(name)s is no longer a moderator.", name=target.profile.username)
    )
    flash(message, "success")
    return redirect(url_for("communities.members", name=community.name), code=303)


@bp.route("/c/<name>/log")
def log(name: str):
    """The community's public moderation log."""
    community = _community(name)
    page = queries.log_page(community.id, request.args.get("cursor"), PAGE_SIZE)
    return render_template(
        "communities/log.html",
        page=page,
        **queries.community_sidebar(community, current_user).context(),
    )
