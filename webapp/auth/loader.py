"""Flask-Login wiring: how a session's user id becomes a User."""

from __future__ import annotations

from flask import Flask, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.auth import sessions
from webapp.extensions import login_manager
from webapp.i18n import date_time
from webapp.models import User


def signed_out_for_ban(user: User) -> None:
    """Tell a person whose account was suspended why this page no longer knows them."""
    if user.banned_until is None:
        message = _(
            "You have been signed out: this account is suspended. Reason: %(reason)s",
            reason=user.ban_reason,
        )
    else:
        message = _(
            "You have been signed out: this account is suspended until %(date)s. "
            "Reason: %(reason)s",
            date=date_time(user.banned_until),
            reason=user.ban_reason,
        )
    flash(message, "error")


def load_user(session_id: str) -> User | None:
    """Sessions and remember cookies name a signed-in device; a device that was signed
    out (or whose person is banned: they are told why) loads nobody."""
    return sessions.user_for_session_id(
        session_id, request.remote_addr or "", on_banned=signed_out_for_ban
    )


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
