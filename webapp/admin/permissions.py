"""Who may use the admin area: the one place the rule lives (the guard and the
templates ask here)."""

from __future__ import annotations


def can_open_admin(user) -> bool:
    """Site admins, signed in."""
    return bool(user is not None and user.is_authenticated and user.is_admin)
