"""`/api/v1`: Search: posts, comments, communities, people and tags."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint("api_search", __name__, "Search: posts, comments, communities, people and tags.")
