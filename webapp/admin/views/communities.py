"""Admin: communities. A searchable table, and a page per community to edit it, hand
it to a new owner, change its moderators, reach its bans, and delete it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.admin import community_queries as queries
from webapp.admin.blueprint import bp
from webapp.admin.community_forms import DeleteCommunityForm, TransferForm
from webapp.communities import ownership
from webapp.communities import services as community_services
from webapp.communities.forms import CommunityDetailsForm, ModeratorForm
from webapp.confirmation import Confirmation
from webapp.htmx import render_page_or_partial
from webapp.i18n import number
from webapp.urls import carries_query
from webapp.web import errors_show_in, found_or_404

PAGE_SIZE = 50
SECTION = "admin.communities"


@bp.route("/communities")
@carries_query("q")
def communities():
    """Every community, newest first, searchable by name or title."""
    search = request.args.get("q", "")
    page = queries.communities_page(search, request.args.get("cursor"), PAGE_SIZE)
    return render_page_or_partial(
        "admin/communities.html",
        "admin/_community_rows.html",
        page=page,
        search=search,
        admin_section=SECTION,
    )


def _community(name: str):
    return found_or_404(queries.community_by_name(name))


def _community_url(community) -> str:
    return url_for("admin.community", name=community.name)


def _community_page(community, status: int = 200, **forms):
    """The community's admin page; a form passed in (with its errors and what was
    typed) replaces the empty one."""
    context = {
        "details_form": CommunityDetailsForm(formdata=None, obj=community),
        "transfer_form": TransferForm(formdata=None),
        "moderator_form": ModeratorForm(formdata=None),
        **forms,
    }
    overview = queries.community_overview(community)
    return render_template(
        "admin/community.html", admin_section=SECTION, **overview.context(), **context
    ), status


@bp.route("/communities/<name>")
def community(name: str):
    """One community: its details, owner, moderators and bans, and what an admin can do."""
    return _community_page(_community(name))


@bp.route("/communities/<name>/edit", methods=["POST"])
def edit_community(name: str):
    """Change the community's title, description and rules."""
    community = _community(name)
    form = CommunityDetailsForm()
    if not form.validate_on_submit():
        return _community_page(community, 422, details_form=form)
    errors_show_in(form, lambda: _community_page(community, 422, details_form=form))
    community_services.update_community(current_user, community, *form.details())
    flash(_("The community has been updated."), "success")
    return redirect(_community_url(community), code=303)


@bp.route("/communities/<name>/transfer", methods=["POST"])
def transfer_community(name: str):
    """Hand the community to a new owner; the old one stays a moderator."""
    community = _community(name)
    form = TransferForm()
    if not form.validate_on_submit():
        return _community_page(community, 422, transfer_form=form)
    errors_show_in(form, lambda: _community_page(community, 422, transfer_form=form))
    owner = ownership.transfer_community(
        current_user, community, form.new_owner.data, form.reason.data
    )
    flash(_("%(name)s now owns this community.", name=owner.profile.username), "success")
    return redirect(_community_url(community), code=303)


@bp.route("/communities/<name>/moderators", methods=["POST"])
def community_moderators(name: str):
    """Appoint a member as moderator, or dismiss one (the button pressed says which)."""
    community = _community(name)
    form = ModeratorForm()
    if not form.validate_on_submit():
        return _community_page(community, 422, moderator_form=form)
    errors_show_in(form, lambda: _community_page(community, 422, moderator_form=form))
    appoint = request.form.get("appoint") != "0"
    target = community_services.set_moderator(
        current_user, community, form.username.data or "", appoint
    )
    message = (
        _("%(name)s is now a moderator.", name=target.profile.username)
        if appoint
        else _("%(name)s is no longer a moderator.", name=target.profile.username)
    )
    flash(message, "success")
    return redirect(_community_url(community), code=303)


def _deletion_question(community) -> Confirmation:
    counts = queries.deletion_counts(community.id)
    what = _(
        "Delete /c/%(name)s with %(posts)s, %(comments)s and %(members)s? This cannot be undone.",
        name=community.name,
        posts=ngettext(
            "%(count)s post", "%(count)s posts", counts.posts, count=number(counts.posts)
        ),
        comments=ngettext(
            "%(count)s comment",
            "%(count)s comments",
            counts.comments,
            count=number(counts.comments),
        ),
        members=ngettext(
            "%(count)s member", "%(count)s members", counts.members, count=number(counts.members)
        ),
    )
    return Confirmation(
        title=_("Delete community"),
        question=what,
        action=url_for("admin.delete_community", name=community.name),
        button=_("Delete community"),
        cancel_url=_community_url(community),
        preview={"title": community.title, "html": community.description},
    )


@bp.route("/communities/<name>/delete", methods=["GET", "POST"])
def delete_community(name: str):
    """Ask first (what goes: posts, comments, members), then delete with a reason."""
    community = _community(name)
    ask = _deletion_question(community)
    form = DeleteCommunityForm()
    if request.method == "GET":
        return ask.page(reason_form=form)
    if not form.validate_on_submit():
        return ask.page(reason_form=form, status=422)
    errors_show_in(form, lambda: ask.page(reason_form=form, status=422), "reason")
    ownership.delete_community(current_user, community, form.reason.data)
    flash(_("The community /c/%(name)s has been deleted.", name=name), "success")
    return redirect(url_for("admin.communities"), code=303)
