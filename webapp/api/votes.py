"""`/api/v1`: Votes on posts and comments: up, down, clear."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint("api_votes", __name__, "Votes on posts and comments: up, down, clear.")
