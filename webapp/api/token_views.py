"""The personal access tokens page, /settings/tokens: the person's working tokens, a
form that creates one (its secret is shown once, in the answer to that POST, and never
put in a flash, the session, a cookie or a URL), and revoking after a confirmation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from webapp.api import tokens
from webapp.api.token_forms import SCOPE_LABELS, TokenForm
from webapp.confirmation import Confirmation, ask_first
from webapp.models import ApiToken
from webapp.ratelimits import writes
from webapp.web import errors_return_to, errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("api_tokens", __name__)

TEMPLATE = "settings/tokens.html"


def _api_url() -> str:
    """The address the curl example calls: /api/v1/me on this site."""
    try:
        return url_for("Me.Me", _external=True)
    except BuildError:
        return request.host_url.rstrip("/") + request.script_root + "/api/v1/me"


def _context(created: ApiToken | None = None, secret: str | None = None) -> dict:
    return {
        "active": tokens.active_tokens_of(current_user),
        "created": created,
        "secret": secret,
        # A command, the same in every language (so not in the template's text).
        "curl_example": f'curl -H "Authorization: Bearer {secret}" {_api_url()}',
        "scope_labels": SCOPE_LABELS,
        "docs_url": url_for("api_docs.docs"),
    }


@bp.route("/settings/tokens", methods=["GET", "POST"])
@signed_in()
@writes
def settings():
    """Your API tokens: create one (its secret is shown once), see and revoke the rest."""
    form = TokenForm()
    if form.validate_on_submit():
        errors_show_in(form, lambda: render_template(TEMPLATE, form=form, **_context()), "name")
        token, secret = tokens.create_token(current_user, form.name.data, form.scope.data)
        # The secret is in this answer only: a fresh, empty form below it.
        page = render_template(TEMPLATE, form=TokenForm(formdata=None), **_context(token, secret))
        response = current_app.make_response(page)
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_form(TEMPLATE, form, **_context())


@bp.route("/settings/tokens/<id:token_id>/revoke", methods=["GET", "POST"])
@signed_in(lambda token_id: url_for("api_tokens.settings"))
@writes
def revoke(token_id: int):
    """Revoke one of your tokens (after a confirmation): it stops working at once."""
    back = url_for("api_tokens.settings")
    errors_return_to(back)
    token = found_or_404(tokens.active_token_of(current_user, token_id))
    ask = Confirmation(
        _("Revoke token"),
        _("Revoke this token? Programs that use it can no longer reach the API."),
        url_for("api_tokens.revoke", token_id=token.id),
        _("Revoke"),
        back,
        {"title": f"{token.name} ({token.token_hint}…)"},
    )
    if question := ask_first(ask, allowed=True):
        return question
    tokens.revoke_token(current_user, token.id)
    flash(_("The token “%(name)s” is revoked.", name=token.name), "info")
    return redirect(back, code=303)
