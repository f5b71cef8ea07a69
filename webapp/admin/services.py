"""Writes of the admin area: creating and promoting site administrators."""

from __future__ import annotations

from webapp.auth import queries, services
from webapp.extensions import db
from webapp.models import User


def create_or_promote_admin(email: str, username: str, password: str) -> tuple[User, bool]:
    """Promote the account with `email`, or register a new admin. Returns (user, created)."""
    existing = queries.user_by_identifier(email)
    if existing is not None:
        existing.is_admin = True
        db.session.flush()
        return existing, False
    user = services.register_user(email, username, password)
    user.is_admin = True
    db.session.flush()
    return user, True
