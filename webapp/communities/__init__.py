"""Communities: the directory, community pages, membership and moderation roles."""

from flask import Blueprint

bp = Blueprint("communities", __name__)

from webapp.communities import views  # noqa: E402,F401
