"""What each reader feed says: its title, addresses and entries, in the site's default
language (a feed is fetched by programs that send no language of their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.discovery.addresses import site_origin as trusted_origin
from webapp.i18n import site_default_language
from webapp.models import Community, Post, Tag, User
from webapp.site_settings import current_settings
from webapp.syndication import queries
from webapp.syndication.atom import Entry, Feed, atom_document

# What an empty feed of everything says it was last changed: a fixed time, so that its
# ETag and Last-Modified stay put until the first post.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def site_origin() -> str:
    """scheme://host of the feed's absolute addresses: the one the canonical links use
    (webapp/discovery/addresses.py: SITE_URL, else a host Flask has checked), else
    "http://localhost" (Atom needs absolute ids), never a host a stranger's request named."""
    return trusted_origin() or "http://localhost"


def _absolute(endpoint: str, **values: Any) -> str:
    return site_origin() + url_for(endpoint, **values)


def _entry(post: Post) -> Entry:
    author = post.author
    return Entry(
        id=_absolute("posts.short_link", post_id=post.id),
        title=post.title,
        link=_absolute("posts.detail", post_id=post.id, slug=post.slug),
        author=author.profile.name if author is not None else _("[deleted]"),
        author_uri=(
            _absolute("profiles.profile", username=author.profile.username)
            if author is not None
            else None
        ),
        published=post.created_at,
        updated=post.edited_at or post.created_at,
        content_html=post.body_html or "",
        categories=tuple(tag.name for tag in post.tags),
    )


def _document(
    title: Callable[[str], str],
    self_endpoint: str,
    page_endpoint: str,
    values: dict[str, str],
    posts: list[Post],
    empty_since: datetime,
) -> tuple[bytes, datetime]:
    """The Atom document of `posts` and the time it last changed."""
    site = current_settings().site_name
    language = site_default_language()
    with force_locale(language):
        entries = [_entry(post) for post in posts]
        feed_title = title(site)
    updated = max((entry.updated for entry in entries), default=empty_since)
    page_url = _absolute(page_endpoint, **values)
    feed = Feed(
        id=page_url,
        title=feed_title,
        self_url=_absolute(self_endpoint, **values),
        alternate_url=page_url,
        updated=updated,
        language=language.replace("_", "-"),
        generator=site,
        entries=entries,
    )
    return atom_document(feed), updated


def everything() -> tuple[bytes, datetime]:
    """Every community's newest posts."""
    return _document(
        lambda site: _("All posts on %(site)s", site=site),
        "syndication.everything",
        "feeds.everything",
        {},
        queries.newest_posts(),
        EPOCH,
    )


def community(found: Community) -> tuple[bytes, datetime]:
    """One community's newest posts (pinned ones in their place by time)."""
    return _document(
        lambda site: _("%(community)s on %(site)s", community=found.title, site=site),
        "syndication.community",
        "communities.page",
        {"name": found.name},
        queries.newest_posts(community_id=found.id),
        found.created_at,
    )


def tag(found: Tag) -> tuple[bytes, datetime]:
    """The newest posts with one tag."""
    return _document(
        lambda site: _("Posts tagged %(tag)s on %(site)s", tag=found.name, site=site),
        "syndication.tag",
        "tags.tag",
        {"name": found.name},
        queries.newest_posts(tag_id=found.id),
        found.created_at,
    )


def person(user: User) -> tuple[bytes, datetime]:
    """One person's newest posts."""
    profile = user.profile
    return _document(
        lambda site: _("Posts by %(person)s on %(site)s", person=profile.name, site=site),
        "syndication.person",
        "profiles.profile",
        {"username": profile.username},
        queries.newest_posts(author_id=user.id),
        user.created_at,
    )
