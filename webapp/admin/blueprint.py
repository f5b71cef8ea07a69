"""The admin blueprint: every route under /admin passes webapp.admin.guard first."""

from __future__ import annotations

from flask import Blueprint

from webapp.admin.guard import guard_admin_area

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(guard_admin_area)
