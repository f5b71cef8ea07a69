"""Rate limits shared by every area: one budget for all writes a person makes."""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from webapp.extensions import limiter


def user_or_address() -> str:
    """Signed-in people are limited per account (whatever their address), guests per IP."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# Posting, commenting, editing, deleting, moderating, joining, following: one bucket.
writes = limiter.shared_limit(
    lambda: current_app.config["WRITE_RATE_LIMIT"],
    scope="writes",
    key_func=user_or_address,
    methods=["POST"],
)
votes = limiter.shared_limit(
    lambda: current_app.config["VOTE_RATE_LIMIT"], scope="votes", key_func=user_or_address
)
