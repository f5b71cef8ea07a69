"""Tags: normalized topic labels on posts, their pages and suggestions."""

from flask import Blueprint

bp = Blueprint("tags", __name__)

from webapp.tags import views  # noqa: E402,F401
