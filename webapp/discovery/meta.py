"""What a shared link or a crawler learns from a page's <head>: the canonical URL,
OpenGraph and Twitter card meta. Worked out from the endpoint and the objects the view
already passed to its template (no statement): posts, communities, profiles, tags, the
front page and All. Nothing of a removed or deleted post, or of a banned person, is
repeated here: such pages get only `noindex`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import pass_context
from jinja2.runtime import Context

from webapp.discovery.addresses import absolute, site_origin
from webapp.profiles.avatars import avatar_url
from webapp.sanitize import html_to_text

DESCRIPTION_LENGTH = 200
ELLIPSIS = "…"
SHARED_AVATAR_SIZE = 256
_FIRST_IMAGE = re.compile(r'<img\b[^>]*?\bsrc="(/media/[^"<>]+)"')


@dataclass
class PageMeta:
    """The <head> tags of one page: `canonical` and `properties` (OpenGraph, article:,
    profile:, as (property, content) pairs in order) and `names` (twitter:, robots)."""

    canonical: str | None = None
    properties: list[tuple[str, str]] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)


def description(text: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """Plain text on one line, cut at a word boundary before `limit` characters (a word
    longer than that, or a script without spaces, is cut at the limit) with "…"."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else text[:limit]
    # Never end on a combining mark cut from its letter's cluster.
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def iso_time(moment: datetime) -> str:
    """An ISO 8601 / W3C datetime in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=64)
def og_locale(code: str) -> str:
    """ "fa" → "fa_IR", "de" → "de_DE", "pt_BR" → "pt_BR": language_TERRITORY, the
    territory from CLDR's likely subtags when the locale names none."""
    try:
        locale = Locale.parse(code)
        if locale.territory is None:
            likely = get_global("likely_subtags").get(locale.language)
            if likely:
                locale = Locale.parse(likely)
    except (ValueError, UnknownLocaleError):
        return code
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def first_image(body_html: str | None) -> str | None:
    """The path of the first image a cleaned body shows (only /media/ ones survive)."""
    found = _FIRST_IMAGE.search(body_html or "")
    return found.group(1) if found else None


def _hidden() -> PageMeta:
    return PageMeta(names=[("robots", "noindex")])


def _page(
    context: Any,
    path: str,
    kind: str,
    title: str,
    text: str | None,
    image_path: str | None = None,
    large_image: bool = False,
) -> PageMeta:
    origin = site_origin()
    url = absolute(path, origin)
    summary = description(text)
    properties = [("og:type", kind), ("og:title", title)]
    if summary:
        properties.append(("og:description", summary))
    if url:
        properties.append(("og:url", url))
    properties.append(("og:site_name", str(context.get("site_name") or "")))
    properties.append(("og:locale", og_locale(str(get_locale() or "en"))))
    image = absolute(image_path, origin) if image_path else None
    if image:
        properties.append(("og:image", image))
    card = "summary_large_image" if image and large_image else "summary"
    names = [("twitter:card", card), ("twitter:title", title)]
    if summary:
        names.append(("twitter:description", summary))
    return PageMeta(canonical=url, properties=properties, names=names)


def _post_meta(context: Any) -> PageMeta | None:
    post = context.get("post")
    if post is None:
        return None
    author = post.author
    if not post.is_visible or (author is not None and author.is_banned):
        return _hidden()
    image = first_image(post.body_html)
    meta = _page(
        context,
        url_for("posts.detail", post_id=post.id, slug=post.slug),
        "article",
        post.title,
        post.body_text or html_to_text(post.body_html),
        image,
        large_image=True,
    )
    meta.properties.append(("article:published_time", iso_time(post.created_at)))
    if post.edited_at is not None:
        meta.properties.append(("article:modified_time", iso_time(post.edited_at)))
    meta.properties.extend(("article:tag", tag.name) for tag in post.tags)
    return meta


def _community_meta(context: Any) -> PageMeta | None:
    community = context.get("community")
    if community is None:
        return None
    path = url_for("communities.page", name=community.name)
    return _page(context, path, "website", community.title, community.description)


def _profile_meta(context: Any) -> PageMeta | None:
    person = context.get("person")
    if person is None or person.profile is None:
        return None
    if person.is_banned:
        return _hidden()
    profile = person.profile
    image = avatar_url(profile, SHARED_AVATAR_SIZE) if profile.avatar_path else None
    meta = _page(
        context,
        url_for("profiles.profile", username=profile.username),
        "profile",
        f"{profile.name} (@{profile.username})",
        html_to_text(profile.bio_html),
        image,
    )
    meta.properties.append(("profile:username", profile.username))
    return meta


def _tag_meta(context: Any) -> PageMeta | None:
    tag = context.get("tag")
    if tag is None:
        return None
    return _page(context, url_for("tags.tag", name=tag.name), "website", f"#{tag.name}", None)


def _site_description(context: Any) -> str:
    settings = context.get("site_settings")
    return getattr(settings, "site_description", "") or ""


def _front_meta(context: Any) -> PageMeta:
    name = str(context.get("site_name") or "")
    return _page(context, url_for("feeds.home"), "website", name, _site_description(context))


def _all_meta(context: Any) -> PageMeta:
    return _page(
        context, url_for("feeds.everything"), "website", _("All posts"), _site_description(context)
    )


_BY_ENDPOINT = {
    "posts.detail": _post_meta,
    "communities.page": _community_meta,
    "profiles.profile": _profile_meta,
    "tags.tag": _tag_meta,
    "feeds.home": _front_meta,
    "feeds.everything": _all_meta,
}


@pass_context
def page_meta(context: Context) -> PageMeta | None:
    """The meta of the page being rendered, or None (pages that are not shared:
    settings, forms, error pages)."""
    if "code" in context:  # an error page (webapp/error_pages.py) shows nothing shareable
        return None
    build = _BY_ENDPOINT.get(request.endpoint or "")
    return build(context) if build is not None else None
