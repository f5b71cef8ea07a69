"""Typing the password again before admin work (the guard sends people here)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.admin.blueprint import bp
from webapp.admin.forms import ConfirmPasswordForm
from webapp.admin.guard import CARRY_PREFIX, admin_path
from webapp.auth.passwords import password_matches
from webapp.auth.sessions import mark_password_typed
from webapp.extensions import limiter
from webapp.ratelimits import user_or_address


def _wrong_password(response) -> bool:
    return response.status_code == 422


@bp.route("/confirm-password", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    key_func=user_or_address,
    deduct_when=_wrong_password,
)
def confirm_password():
    """Confirm the password; then go on to the page asked for, or offer to send again
    the form that was sent after the password went stale."""
    form = ConfirmPasswordForm()
    if request.method == "GET":
        form.next.data = admin_path(request.args.get("next")) or ""
    carried = [
        (key.removeprefix(CARRY_PREFIX), value)
        for key, value in request.form.items(multi=True)
        if key.startswith(CARRY_PREFIX)
    ]
    target = admin_path(form.next.data) or url_for("admin.dashboard")
    if form.validate_on_submit():
        if password_matches(current_user.password_hash, form.password.data or ""):
            mark_password_typed()
            if carried:
                return render_template("admin/continue.html", target=target, carried=carried)
            return redirect(target, 303)
        form.password.errors = [*form.password.errors, _l("That password is not correct.")]
    status = 422 if form.errors else 200
    return render_template("admin/confirm_password.html", form=form, carried=carried), status
