"""`/api/v1`: Tags: the list, one tag, suggestions."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint("api_tags", __name__, "Tags: the list, one tag, suggestions.")
