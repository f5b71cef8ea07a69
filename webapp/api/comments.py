"""`/api/v1`: Comments: a post's thread, replying, editing, deleting."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint(
    "api_comments", __name__, "Comments: a post's thread, replying, editing, deleting."
)
