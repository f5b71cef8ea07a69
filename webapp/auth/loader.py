"""Flask-Login wiring: how a session's user id becomes a User."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from webapp.auth import sessions
from webapp.extensions import login_manager
from webapp.models import User


def load_user(session_id: str) -> User | None:
    """Sessions and remember cookies name a signed-in device; a device that was signed
    out (or whose person is banned) loads nobody."""
    return sessions.user_for_session_id(session_id, request.remote_addr or "")


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
