"""Admin: people — search and filter everyone, a page per person, and the actions on
them (ban, unban, admin rights, purge). Every form works without JavaScript; each
action redirects back to the person's page with a message."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.admin import people_queries as queries
from webapp.admin import services
from webapp.admin.blueprint import bp
from webapp.admin.people_forms import AdminRightsForm, BanForm, PurgeForm, UnbanForm
from webapp.confirmation import Confirmation
from webapp.htmx import render_page_or_partial
from webapp.i18n import date_time, number
from webapp.urls import carries_query
from webapp.web import errors_return_to, errors_show_in, found_or_404

PAGE_SIZE = 50


def _person(username: str):
    return found_or_404(queries.user_by_username(username))


def _person_url(user) -> str:
    return url_for("admin.person", username=user.profile.username)


@bp.route("/people")
@carries_query("q", "filter")
def people():
    """Everyone, newest first: search by username, display name or email, and filter."""
    query = request.args.get("q", "")
    filter_ = request.args.get("filter", "all")
    if filter_ not in queries.PEOPLE_FILTERS:
        filter_ = "all"
    page = queries.people_page(query, filter_, request.args.get("cursor"), PAGE_SIZE)
    return render_page_or_partial(
        "admin/people.html",
        "admin/_people_rows.html",
        page=page,
        query=query.strip()[: queries.SEARCH_MAX],
        filter=filter_,
        admin_section="admin.people",
    )


def _person_page(user, ban_form=None, unban_form=None, status: int = 200):
    return render_template(
        "admin/person.html",
        person=queries.person_page(user),
        ban_form=ban_form or BanForm(formdata=None),
        unban_form=unban_form or UnbanForm(formdata=None),
        rights_form=AdminRightsForm(formdata=None),
        admin_section="admin.people",
    ), status


@bp.route("/people/<username>")
def person(username: str):
    """One person: account facts, what they wrote, reports against them, their
    moderation history, and the forms that act on them."""
    return _person_page(_person(username))


@bp.route("/people/<username>/ban", methods=["POST"])
def ban_person(username: str):
    """Ban a person, with a reason and an optional end."""
    user = _person(username)
    form = BanForm()
    if not form.validate_on_submit():
        return _person_page(user, ban_form=form, status=422)
    errors_show_in(form, lambda: _person_page(user, ban_form=form, status=422), "reason")
    until = form.ends_at()
    services.ban_user(current_user, user, form.reason.data, until)
    name = user.profile.username
    if until is None:
        flash(_("%(name)s is banned until an admin lifts the ban.", name=name), "success")
    else:
        flash(_("%(name)s is banned until %(date)s.", name=name, date=date_time(until)), "success")
    return redirect(_person_url(user), 303)


@bp.route("/people/<username>/unban", methods=["POST"])
def unban_person(username: str):
    """Lift a person's ban."""
    user = _person(username)
    form = UnbanForm()
    if not form.validate_on_submit():
        return _person_page(user, unban_form=form, status=422)
    errors_return_to(_person_url(user))
    services.unban_user(current_user, user, form.unban_reason.data)
    flash(_("%(name)s's ban is lifted.", name=user.profile.username), "success")
    return redirect(_person_url(user), 303)


@bp.route("/people/<username>/promote", methods=["POST"])
def promote_person(username: str):
    """Make a person a site admin."""
    return _set_admin(username, make_admin=True)


@bp.route("/people/<username>/demote", methods=["POST"])
def demote_person(username: str):
    """Take a person's admin rights away (never the last admin's, never your own)."""
    return _set_admin(username, make_admin=False)


def _set_admin(username: str, make_admin: bool):
    user = _person(username)
    if not AdminRightsForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(_person_url(user), 303)
    errors_return_to(_person_url(user))
    changed = services.set_admin(current_user, user, make_admin)
    name = user.profile.username
    if not changed:
        message = (
            _("%(name)s is already an admin.", name=name)
            if make_admin
            else _("%(name)s is not an admin.", name=name)
        )
        flash(message, "info")
    elif make_admin:
        flash(_("%(name)s is now a site admin.", name=name), "success")
    else:
        flash(_("%(name)s is no longer a site admin.", name=name), "success")
    return redirect(_person_url(user), 303)


def _amounts(counts) -> dict[str, str]:
    """ "2 posts", "1 comment": the two numbers of a purge, as words."""
    return {
        "posts": ngettext(
            "%(count)s post", "%(count)s posts", counts.posts, count=number(counts.posts)
        ),
        "comments": ngettext(
            "%(count)s comment",
            "%(count)s comments",
            counts.comments,
            count=number(counts.comments),
        ),
    }


def _purge_question(user, counts) -> Confirmation:
    return Confirmation(
        title=_("Remove everything %(name)s wrote?", name=user.profile.username),
        question=_(
            "%(posts)s and %(comments)s will be removed. Moderators can restore them one "
            "by one; the removal is written to the moderation log.",
            **_amounts(counts),
        ),
        action=url_for("admin.purge_person", username=user.profile.username),
        button=_("Remove all"),
        cancel_url=_person_url(user),
        preview={"title": user.profile.username},
    )


@bp.route("/people/<username>/purge", methods=["GET", "POST"])
def purge_person(username: str):
    """Remove every post and comment of a person; the GET asks first, saying how much."""
    user = _person(username)
    form = PurgeForm()
    ask = _purge_question(user, services.purge_counts(user))
    if request.method == "GET":
        return ask.page(reason_form=PurgeForm(formdata=None))
    if not form.validate_on_submit():
        return ask.page(reason_form=form, status=422)
    errors_show_in(form, lambda: ask.page(reason_form=form, status=422), "reason")
    counts = services.purge_user(current_user, user, form.reason.data)
    flash(
        _(
            "Removed %(posts)s and %(comments)s by %(name)s.",
            name=user.profile.username,
            **_amounts(counts),
        ),
        "success",
    )
    return redirect(_person_url(user), 303)
