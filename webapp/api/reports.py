"""`/api/v1`: Reports to the moderators."""

from __future__ import annotations

from webapp.api.core import api_blueprint

bp = api_blueprint("api_reports", __name__, "Reports to the moderators.")
