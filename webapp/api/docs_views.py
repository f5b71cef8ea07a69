"""The API's documentation page, /api/docs (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_docs", __name__)
