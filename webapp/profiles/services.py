"""Writes for profiles: following and profile settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.media import services as media
from webapp.models import Follow, User


class ProfileError(DomainError):
    """A rule of this area was broken."""


def follow(follower: User, followed: User) -> bool:
    """Follow someone; following twice changes nothing. Returns whether it was new."""
    if follower.id == followed.id:
        raise ProfileError(_l("You cannot follow yourself."), status=400)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(Follow(follower_id=follower.id, followed_id=followed.id))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    db.session.commit()
    return True


def unfollow(follower: User, followed: User) -> bool:
    removed = db.session.execute(
        delete(Follow).where(Follow.follower_id == follower.id, Follow.followed_id == followed.id)
    ).rowcount
    db.session.commit()
    return bool(removed)


def update_profile(
    user: User,
    *,
    display_name: str,
    first_name: str,
    last_name: str,
    bio_html: str,
    website: str,
    avatar_stream=None,
    remove_avatar: bool = False,
) -> None:
    """Save what a person says about themselves; a new avatar goes through the image
    pipeline (square crops in several sizes)."""
    profile = user.profile
    if avatar_stream is not None:
        try:
            profile.avatar_path = media.store_avatar(avatar_stream)
        except media.ImageError as error:
            raise ProfileError(error.message, "avatar") from None
    elif remove_avatar:
        profile.avatar_path = None
    profile.display_name = display_name.strip()
    profile.first_name = first_name.strip()
    profile.last_name = last_name.strip()
    profile.bio_html = bio_html
    profile.website = website.strip()
    db.session.commit()
