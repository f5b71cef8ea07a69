"""Password rules and hashing, in one place."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.i18n import number

PASSWORD_MIN = 10
PASSWORD_MAX = 128  # hashing very long inputs is a cheap denial of service

# The most common passwords from public breach lists that meet the length rule.
COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def password_problem(password: str, *, username: str = "", email: str = "") -> str | None:
    """Why `password` is too weak, or None when it is acceptable."""
    lowered = password.lower()
    if len(password) < PASSWORD_MIN:
        return _l("Use at least %(count)s characters.", count=number(PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        return _l("Use at most %(count)s characters.", count=number(PASSWORD_MAX))
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _l("This password is too common or too easy to guess.")
    local_part = email.split("@", 1)[0].lower()
    for personal in (username.lower(), local_part):
        if len(personal) >= 3 and personal in lowered:
            return _l("Do not use your username or email address in your password.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
