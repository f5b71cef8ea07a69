"""Feeds: the lists of posts people read."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from webapp.feeds import views  # noqa: E402,F401
