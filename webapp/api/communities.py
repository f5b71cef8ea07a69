"""`/api/v1`: Communities: the directory, one community, joining, members."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint(
    "api_communities", __name__, "Communities: the directory, one community, joining, members."
)
