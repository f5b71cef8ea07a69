"""Your data: export it, or delete the account."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from webapp.account_data import export, queries, services
from webapp.account_data.forms import DeleteAccountForm
from webapp.extensions import limiter
from webapp.ratelimits import user_or_address, writes
from webapp.web import errors_show_in, render_form, signed_in

bp = Blueprint("account_data", __name__)

# Both downloads share one budget per account: each reads everything the person has.
exports = limiter.shared_limit(
    lambda: current_app.config["EXPORT_RATE_LIMIT"], scope="exports", key_func=user_or_address
)


def _private_download(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/settings/account/data")
@signed_in()
def page():
    """What the download of your data holds, with links to it."""
    return render_template("account_data/data.html")


@bp.route("/settings/account/data.json")
@signed_in()
@exports
def export_json():
    """Everything you wrote and did, as one JSON file (written as it is read)."""
    user = current_user._get_current_object()
    chunks = stream_with_context(export.export_chunks(user))
    response = Response(chunks, mimetype="application/json")
    return _private_download(response, export.export_filename(user, "json"))


@bp.route("/settings/account/data.zip")
@signed_in()
@exports
def export_zip():
    """The same JSON file in a zip, with the images you uploaded."""
    user = current_user._get_current_object()
    archive = export.zip_file(user)
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.export_filename(user, "zip"),
        max_age=0,
    )
    return _private_download(response, export.export_filename(user, "zip"))


@bp.route("/settings/account/delete", methods=["GET", "POST"])
@signed_in()
@writes
def delete():
    """Delete your account: what happens, then the password and a choice about your
    posts and comments. Owners of communities hand them over first."""
    owned = queries.owned_communities(current_user)
    if owned:
        status = 409 if request.method == "POST" else 200
        return render_template("account_data/delete.html", owned=owned, form=None), status
    form = DeleteAccountForm()

    def page():
        return render_form("account_data/delete.html", form, owned=[])

    if form.validate_on_submit():
        errors_show_in(form, page)
        services.delete_account(
            current_user._get_current_object(),
            form.password.data or "",
            form.keep_content,
            form.code.data,
        )
        # Clear first, then log out: logout_user() marks the remember cookie for deletion
        # in the session, a mark that clearing afterwards would wipe.
        session.clear()
        logout_user()
        flash(_("Your account has been deleted."), "success")
        return redirect(url_for("feeds.home"), 303)
    return page()
