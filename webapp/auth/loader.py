"""Flask-Login wiring: how a session's user id becomes a User."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from webapp.extensions import db, login_manager
from webapp.models import User


def load_user(session_id: str) -> User | None:
    """Sessions carry "<id>:<epoch>"; an old epoch (password changed) is signed out."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_epoch != int(epoch) or not user.is_active:
        return None  # signed out by a password change elsewhere, or banned
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
