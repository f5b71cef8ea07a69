"""`/api/v1`: Posts and the feeds: home, all, community, tag and person."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint(
    "api_posts", __name__, "Posts and the feeds: home, all, community, tag and person."
)
