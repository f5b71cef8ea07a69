"""The admin pages, one module per section; importing them registers their routes."""

from webapp.admin.blueprint import bp
from webapp.admin.views import (  # noqa: F401  (routes register on import)
    communities,
    confirm,
    content,
    dashboard,
    log,
    people,
    reports,
    settings,
)

__all__ = ["bp"]
