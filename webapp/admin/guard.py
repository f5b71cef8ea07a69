"""Who gets into /admin, checked once for every admin page and action: guests are sent
to sign in, signed-in people who are not site admins get the 403 page, and an admin
whose password was last typed more than 30 minutes ago types it again first. When the
site requires two-factor sign-in for admins, an admin without it sets it up first.

A form sent after those 30 minutes is not lost: the password page carries its fields
and, once the password is confirmed, offers to send them again."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.admin.permissions import can_open_admin
from webapp.auth import sessions
from webapp.error_pages import render_error
from webapp.htmx import is_htmx, redirect_for_htmx, sign_in_first
from webapp.site_settings import current_settings
from webapp.urls import back_url, safe_next_url

FRESH_FOR = timedelta(minutes=30)
CONFIRM_ENDPOINT = "admin.confirm_password"
CARRY_PREFIX = "carry-"
_NOT_CARRIED = frozenset({"csrf_token"})


def admin_path(target: str | None) -> str | None:
    """`target` if it is a page of the admin area, else None."""
    target = safe_next_url(target)
    return target if target and target.split("?")[0].startswith("/admin") else None


def carried_fields(form) -> list[tuple[str, str]]:
    """The fields of an admin form sent after the password went stale, to send again."""
    return [(key, value) for key, value in form.items(multi=True) if key not in _NOT_CARRIED]


def guard_admin_area():
    """`before_request` of the admin blueprint: None lets the request through."""
    if not current_user.is_authenticated:
        come_back = request.full_path.rstrip("?") if request.method == "GET" else None
        return sign_in_first(come_back or back_url(url_for("admin.dashboard")))
    if not can_open_admin(current_user):
        return render_error(403, _l("Only site administrators can open the admin area."))
    if current_settings().two_factor_required_for_admins and not current_user.has_two_factor:
        flash(_("Set up two-factor sign-in to use the admin pages."), "info")
        return redirect_for_htmx(url_for("auth.two_factor_settings"))
    if request.endpoint == CONFIRM_ENDPOINT or sessions.password_typed_within(FRESH_FOR):
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for(CONFIRM_ENDPOINT, next=request.full_path.rstrip("?")))
    if is_htmx():
        come_back = admin_path(back_url(url_for("admin.dashboard"))) or url_for("admin.dashboard")
        return redirect_for_htmx(url_for(CONFIRM_ENDPOINT, next=come_back))
    from webapp.admin.forms import ConfirmPasswordForm

    form = ConfirmPasswordForm(formdata=None, next=request.path)
    return render_template(
        "admin/confirm_password.html", form=form, carried=carried_fields(request.form)
    ), 401
