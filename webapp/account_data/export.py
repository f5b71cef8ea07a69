"""Your data: everything a person wrote and did, as one JSON document written piece by
piece, and a zip of that document with the images they uploaded.

The document is produced by a generator of text chunks: every list is read in keyset
batches of plain columns (no ORM objects kept in the session), so a person with 100,000
comments costs the memory of one batch. Secrets never enter it: no password hash, no
token hash or hint, no two-factor secret or recovery code; only what the person wrote,
chose and did, and the facts about their account that they can see on their pages.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from flask import url_for
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.media.services import AVATAR_SIZES, media_root
from webapp.models import (
    ApiToken,
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Profile,
    Tag,
    User,
    post_tags,
    utc_now,
)
from webapp.sanitize import MEDIA_URL_PREFIX

FORMAT_VERSION = 1
BATCH_SIZE = 500
JSON_NAME = "data.json"
IMAGES_FOLDER = "images"
# An image a post or comment shows from the site's media store (webapp/sanitize.py
# lets no other image through): the part after /media/.
MEDIA_IMAGE = re.compile(
    re.escape(MEDIA_URL_PREFIX) + r"(images/[A-Za-z0-9_\-/]+\.(?:png|jpe?g|gif|webp))"
)
# Zip spools in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024


def export_filename(user: User, extension: str, today: date | None = None) -> str:
    """quorum-<username>-<YYYY-MM-DD>.<extension>"""
    day = today or utc_now().date()
    return f"quorum-{user.profile.username}-{day.isoformat()}.{extension}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _keyset(
    statement: Select, key_column: Any, key_of: Callable[[Any], Any]
) -> Iterator[list[Any]]:
    """The rows of `statement` in batches, ordered by the unique `key_column` and
    continued after the last key seen (never OFFSET)."""
    last = None
    while True:
        page = statement.order_by(key_column).limit(BATCH_SIZE)
        if last is not None:
            page = page.where(key_column > last)
        rows = list(db.session.execute(page).all())
        if not rows:
            return
        yield rows
        if len(rows) < BATCH_SIZE:
            return
        last = key_of(rows[-1])


# -- Each part of the document ----------------------------------------------------------


def account_part(user: User) -> dict[str, Any]:
    return {
        "username": user.profile.username,
        "email": user.email,
        "email_confirmed": user.email_verified,
        "email_confirmed_at": _iso(user.email_verified_at),
        "created_at": _iso(user.created_at),
        "last_sign_in_at": _iso(user.last_login_at),
        "language": user.locale,
        "time_zone": user.timezone,
        "two_factor_enabled": user.has_two_factor,
        "is_admin": user.is_admin,
    }


def profile_part(profile: Profile) -> dict[str, Any]:
    return {
        "display_name": profile.display_name,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "bio_html": profile.bio_html,
        "website": profile.website,
        "avatar": _avatar_files(profile),
    }


def _avatar_files(profile: Profile) -> list[str]:
    """The stored sizes of the uploaded avatar (paths under the media store)."""
    if not profile.avatar_path:
        return []
    return [f"{profile.avatar_path}-{size}.webp" for size in AVATAR_SIZES]


def _tags_of(post_ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {post_id: [] for post_id in post_ids}
    statement = (
        select(post_tags.c.post_id, Tag.name)
        .join(Tag, Tag.id == post_tags.c.tag_id)
        .where(post_tags.c.post_id.in_(post_ids))
        .order_by(post_tags.c.post_id, Tag.name)
    )
    for row in db.session.execute(statement):
        tags[int(row[0])].append(str(row[1]))
    return tags


def posts_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = (
        select(
            Post.id,
            Community.name.label("community"),
            Post.title,
            Post.body_html,
            Post.url,
            Post.created_at,
            Post.edited_at,
            Post.score,
            Post.upvotes,
            Post.downvotes,
            Post.comment_count,
            Post.removed_at,
            Post.deleted_at,
        )
        .join(Community, Community.id == Post.community_id)
        .where(Post.author_id == user_id)
    )
    for rows in _keyset(statement, Post.id, lambda row: row.id):
        tags = _tags_of([row.id for row in rows])
        for row in rows:
            yield {
                "id": row.id,
                "url": url_for("posts.short_link", post_id=row.id, _external=True),
                "community": row.community,
                "title": row.title,
                "body_html": row.body_html,
                "link": row.url,
                "tags": tags[row.id],
                "created_at": _iso(row.created_at),
                "edited_at": _iso(row.edited_at),
                "score": row.score,
                "upvotes": row.upvotes,
                "downvotes": row.downvotes,
                "comment_count": row.comment_count,
                "removed_at": _iso(row.removed_at),
                "deleted_at": _iso(row.deleted_at),
            }


def comments_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = select(
        Comment.id,
        Comment.post_id,
        Comment.parent_id,
        Comment.body_html,
        Comment.created_at,
        Comment.edited_at,
        Comment.score,
        Comment.upvotes,
        Comment.downvotes,
        Comment.removed_at,
        Comment.deleted_at,
    ).where(Comment.author_id == user_id)
    for rows in _keyset(statement, Comment.id, lambda row: row.id):
        for row in rows:
            yield {
                "id": row.id,
                "url": url_for("comments.permalink", comment_id=row.id, _external=True),
                "post_id": row.post_id,
                "parent_id": row.parent_id,
                "body_html": row.body_html,
                "created_at": _iso(row.created_at),
                "edited_at": _iso(row.edited_at),
                "score": row.score,
                "upvotes": row.upvotes,
                "downvotes": row.downvotes,
                "removed_at": _iso(row.removed_at),
                "deleted_at": _iso(row.deleted_at),
            }


def post_votes_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = select(PostVote.post_id, PostVote.value, PostVote.created_at).where(
        PostVote.user_id == user_id
    )
    for rows in _keyset(statement, PostVote.post_id, lambda row: row.post_id):
        for row in rows:
            yield {"post_id": row.post_id, "value": row.value, "created_at": _iso(row.created_at)}


def comment_votes_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = select(CommentVote.comment_id, CommentVote.value, CommentVote.created_at).where(
        CommentVote.user_id == user_id
    )
    for rows in _keyset(statement, CommentVote.comment_id, lambda row: row.comment_id):
        for row in rows:
            yield {
                "comment_id": row.comment_id,
                "value": row.value,
                "created_at": _iso(row.created_at),
            }


def _people_part(user_id: int, mine: Any, other: Any) -> Iterator[dict[str, Any]]:
    """Follows where `mine` is this person and `other` the one on the other side."""
    statement = (
        select(other.label("other_id"), Profile.username, Follow.created_at)
        .join(Profile, Profile.user_id == other)
        .where(mine == user_id)
    )
    for rows in _keyset(statement, other, lambda row: row.other_id):
        for row in rows:
            yield {"username": row.username, "since": _iso(row.created_at)}


def following_part(user_id: int) -> Iterator[dict[str, Any]]:
    return _people_part(user_id, Follow.follower_id, Follow.followed_id)


def followers_part(user_id: int) -> Iterator[dict[str, Any]]:
    return _people_part(user_id, Follow.followed_id, Follow.follower_id)


def memberships_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = (
        select(Membership.community_id, Community.name, Membership.role, Membership.joined_at)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user_id)
    )
    for rows in _keyset(statement, Membership.community_id, lambda row: row.community_id):
        for row in rows:
            yield {"community": row.name, "role": row.role, "joined_at": _iso(row.joined_at)}


def api_tokens_part(user_id: int) -> Iterator[dict[str, Any]]:
    statement = select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.scope,
        ApiToken.created_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
    ).where(ApiToken.user_id == user_id)
    for rows in _keyset(statement, ApiToken.id, lambda row: row.id):
        for row in rows:
            yield {
                "name": row.name,
                "scope": row.scope,
                "created_at": _iso(row.created_at),
                "last_used_at": _iso(row.last_used_at),
                "revoked_at": _iso(row.revoked_at),
            }


# -- The document ----------------------------------------------------------------------


def _list(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for item in items:
        yield ("\n    " if first else ",\n    ") + _json(item)
        first = False
    yield "]" if first else "\n  ]"


def export_chunks(user: User) -> Iterator[str]:
    """The JSON document of `user`'s data, as a series of text chunks."""
    user_id = user.id
    yield "{\n"
    yield f'  "format_version": {FORMAT_VERSION},\n'
    yield f'  "exported_at": {_json(_iso(utc_now()))},\n'
    yield f'  "account": {_json(account_part(user))},\n'
    yield f'  "profile": {_json(profile_part(user.profile))}'
    lists: list[tuple[str, Callable[[int], Iterator[dict[str, Any]]]]] = [
        ("posts", posts_part),
        ("comments", comments_part),
        ("post_votes", post_votes_part),
        ("comment_votes", comment_votes_part),
        ("following", following_part),
        ("followers", followers_part),
        ("memberships", memberships_part),
        ("api_tokens", api_tokens_part),
    ]
    for name, part in lists:
        yield f',\n  "{name}": '
        yield from _list(part(user_id))
    yield "\n}\n"


# -- The zip -----------------------------------------------------------------------------


def _images_shown_by(user_id: int) -> set[str]:
    """The media-store images that the person's posts and comments show."""
    found: set[str] = set()
    shows_image = f"%{MEDIA_URL_PREFIX}images/%"
    for model in (Post, Comment):
        statement = select(model.id, model.body_html).where(
            model.author_id == user_id, model.body_html.like(shows_image)
        )
        for rows in _keyset(statement, model.id, lambda row: row.id):
            for row in rows:
                found.update(MEDIA_IMAGE.findall(row.body_html))
    return found


def _stored_file(relative: str) -> Path | None:
    """The file at `relative` under the media store, if it is there (and inside it)."""
    root = media_root().resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def write_zip(user: User, target: IO[bytes]) -> None:
    """data.json, and under images/ every uploaded image of the person (their avatar in
    each stored size, the images their posts and comments show), each at its path in
    the media store (the part of its address after /media/)."""
    images = sorted({*_avatar_files(user.profile), *_images_shown_by(user.id)})
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(JSON_NAME, "w", force_zip64=True) as entry:
            for chunk in export_chunks(user):
                entry.write(chunk.encode())
        for relative in images:
            path = _stored_file(relative)
            if path is None:
                continue  # a file removed from the store by hand: nothing to add
            # Images are WebP already: storing them costs no space and no CPU.
            info = zipfile.ZipInfo(f"{IMAGES_FOLDER}/{relative}")
            info.compress_type = zipfile.ZIP_STORED
            with path.open("rb") as source, archive.open(info, "w") as entry:
                shutil.copyfileobj(source, entry)


def zip_file(user: User) -> IO[bytes]:
    """The zip, in a temporary file (in memory while small) rewound to its start."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    write_zip(user, spooled)
    spooled.seek(0)
    return spooled
