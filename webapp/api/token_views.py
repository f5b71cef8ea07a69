"""The personal access tokens page, /settings/tokens (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_tokens", __name__)
