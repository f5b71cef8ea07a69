"""A community's moderators ban people from it and lift bans: /c/<name>/mod/bans.
The blueprint's guard lets in only its owner, moderators and site admins, and loads
`g.community`."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.admin.community_forms import CommunityBanForm
from webapp.communities import bans
from webapp.communities.queries import community_sidebar
from webapp.moderation.blueprint import bp
from webapp.ratelimits import writes
from webapp.urls import parse_id
from webapp.web import errors_return_to, errors_show_in, found_or_404

PAGE_SIZE = 50


def _bans_url() -> str:
    return url_for("mod.bans", name=g.community.name)


def _bans_page(form: CommunityBanForm, status: int = 200):
    page = bans.bans_page(g.community.id, request.args.get("cursor"), PAGE_SIZE)
    sidebar = community_sidebar(g.community, current_user)
    return render_template("mod/bans.html", form=form, page=page, **sidebar.context()), status


@bp.route("/c/<name>/mod/bans", methods=["GET", "POST"], endpoint="bans")
@writes
def bans_list(name: str):
    """Who is banned from the community, and the form to ban someone."""
    form = CommunityBanForm()
    if request.method == "GET":
        return _bans_page(form)
    if not form.validate_on_submit():
        return _bans_page(form, 422)
    errors_show_in(form, lambda: _bans_page(form, 422))
    target = bans.ban_named(
        current_user, g.community, form.username.data, form.reason.data or "", form.days.data
    )
    flash(_("%(name)s is banned from this community.", name=target.profile.username), "success")
    return redirect(_bans_url(), code=303)


@bp.route("/c/<name>/mod/bans/lift", methods=["POST"])
@writes
def lift_ban(name: str):
    """Lift one person's ban (the person's id comes with the form)."""
    errors_return_to(_bans_url())
    target = found_or_404(bans.person(parse_id(request.form.get("user_id"))))
    if bans.unban_from_community(current_user, g.community, target):
        flash(_("%(name)s may take part again.", name=target.profile.username), "success")
    return redirect(_bans_url(), code=303)
