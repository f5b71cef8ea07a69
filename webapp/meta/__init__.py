"""Site-wide endpoints: health check and the guest's language choice."""

from flask import Blueprint

bp = Blueprint("meta", __name__)

from webapp.meta import views  # noqa: E402,F401
