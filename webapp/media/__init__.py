"""Uploaded images: validated, re-encoded without metadata, served from /media/."""

from flask import Blueprint

bp = Blueprint("media", __name__)

from webapp.media import views  # noqa: E402,F401
