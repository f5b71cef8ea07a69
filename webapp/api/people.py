"""`/api/v1`: People: profiles, their posts and comments, following."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint("api_people", __name__, "People: profiles, their posts and comments, following.")
