"""Reads for accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import HeldUsername, Profile, User, utc_now


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    statement = select(User.id).where(User.email == normalize_email(email))
    return db.session.scalar(statement) is not None


def username_taken(username: str) -> bool:
    """Whether someone has this name (any case), or a deleted account's name is still
    held back (webapp/account_data/services.py): nobody takes it before `held_until`."""
    name = username.strip().lower()
    statement = select(Profile.user_id).where(func.lower(Profile.username) == name)
    if db.session.scalar(statement) is not None:
        return True
    held = select(HeldUsername.username).where(
        HeldUsername.username == name, HeldUsername.held_until > utc_now()
    )
    return db.session.scalar(held) is not None


def user_by_identifier(identifier: str) -> User | None:
    """The user whose email or username (any case) is `identifier`."""
    identifier = identifier.strip()
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == normalize_email(identifier)))
    return db.session.scalar(
        select(User).join(User.profile).where(func.lower(Profile.username) == identifier.lower())
    )
