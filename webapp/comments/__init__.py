"""Threaded comments: reply, edit, delete, moderate."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from webapp.comments import views  # noqa: E402,F401
