"""Writes for profiles: following and profile settings."""

from __future__ import annotations

from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete
from sqlalchemy.exc import IntegrityError

from webapp.caching import stale_person, stale_site
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.i18n import number
from webapp.media import services as media
from webapp.models import Follow, User
from webapp.profiles import numbers, permissions
from webapp.sanitize import RichText, html_to_text
from webapp.validation import clean_name, web_address

NAME_MAX = 50
WEBSITE_MAX = 300
BIO_TEXT_MAX = 2000


class ProfileError(DomainError):
    """A rule of this area was broken."""


def follow(follower: User, followed: User) -> bool:
    """Follow someone; following twice changes nothing. Returns whether it was new."""
    if not permissions.can_follow(follower, followed):
        raise ProfileError(_l("You cannot follow yourself."), status=400)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(Follow(follower_id=follower.id, followed_id=followed.id))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    numbers.change_follow_counts(follower.id, followed.id, +1)
    stale_person(follower)
    stale_person(followed)
    return True


def unfollow(follower: User, followed: User) -> bool:
    """Stop following someone. Returns whether there was a follow to remove."""
    removed = cast(
        CursorResult,
        db.session.execute(
            delete(Follow).where(
                Follow.follower_id == follower.id, Follow.followed_id == followed.id
            )
        ),
    ).rowcount
    if removed:
        numbers.change_follow_counts(follower.id, followed.id, -1)
        stale_person(follower)
        stale_person(followed)
    return bool(removed)


def checked_website(website: str | None) -> str:
    """A person's website: an http(s) address, or empty."""
    return web_address(website, "website", WEBSITE_MAX) or ""


def checked_bio(bio: RichText | str | None, previous_html: str = "") -> str:
    """The bio as cleaned HTML, refused when its text is too long."""
    bio_html = RichText.of(bio).to_html(previous_html=previous_html)
    if len(html_to_text(bio_html)) > BIO_TEXT_MAX:
        raise ProfileError(
            _l("Keep it under %(count)s characters.", count=number(BIO_TEXT_MAX)), "bio"
        )
    return bio_html


def checked_name(value: str | None, field: str = "display_name") -> str:
    """A display, first or last name as people will see it: bidi controls, zero-width
    and other invisible characters stripped (see `validation.clean_name`)."""
    return clean_name(value, field, NAME_MAX, _l("At most 50 characters."))


def update_profile(
    user: User,
    *,
    display_name: str,
    first_name: str,
    last_name: str,
    bio: RichText | str,
    website: str,
    avatar_stream=None,
    remove_avatar: bool = False,
) -> None:
    """Save what a person says about themselves; a new avatar goes through the image
    pipeline (square crops in several sizes). Everything is checked and cleaned here."""
    profile = user.profile
    names = {
        "display_name": checked_name(display_name, "display_name"),
        "first_name": checked_name(first_name, "first_name"),
        "last_name": checked_name(last_name, "last_name"),
    }
    bio_html = checked_bio(bio, previous_html=profile.bio_html or "")
    website = checked_website(website)
    if avatar_stream is not None:
        try:
            profile.avatar_path = media.store_avatar(avatar_stream)
        except media.ImageError as error:
            raise ProfileError(error.message, "avatar") from None
    elif remove_avatar:
        profile.avatar_path = None
    profile.display_name = names["display_name"]
    profile.first_name = names["first_name"]
    profile.last_name = names["last_name"]
    profile.bio_html = bio_html
    profile.website = website
    stale_site()  # names and avatars are shown beside everything they wrote
