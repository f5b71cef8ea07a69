"""Post cards kept rendered: a feed page that misses the page cache (a signed-in
person's, or a guest's first read) renders only the cards that changed.

A card is the same for every viewer except its vote widget (the viewer's own vote, and
a CSRF token in the form), so a card is stored with a placeholder where the widget goes
and each page fills in its viewer's widget. A stored card is keyed by the post's
generation and the site's (webapp/caching.py: an edit, a comment, a vote, a removal or
a renamed author or community make it unreachable), the language, the time zone and
whether the card names its community. Relative times ("5 minutes ago") age at most
PAGE_CACHE_SECONDS, as in the page cache. Off wherever the page cache is off.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from webapp import caching
from webapp.extensions import cache

# Where the viewer's vote widget goes in a stored card: a character no HTML we write
# contains (templates escape user text, and NUL is refused in every input).
VOTE_SLOT = Markup("\x00vote-widget\x00")


def _card_key(post_id: int, post_generation: str, site_generation: str, named: bool) -> str:
    parts = (post_id, post_generation, site_generation, get_locale(), get_timezone(), named)
    return "card:" + caching.digest(parts)


def stored_cards(posts: Iterable, names_community: bool) -> dict[int, tuple[str, Markup | None]]:
    """For each post: its card's cache key and the stored card (None when it must be
    rendered). Empty when cards are not cached here (one cache round trip for the
    generations, one for the cards)."""
    posts = list(posts)
    if not posts or not caching.page_cache_enabled():
        return {}
    scopes = [f"post:{post.id}" for post in posts]
    current = caching.generations(caching.SITE, *scopes)
    if current is None:
        return {}
    keys = {
        post.id: _card_key(post.id, current[scope], current[caching.SITE], names_community)
        for post, scope in zip(posts, scopes, strict=True)
    }
    found = cache.get_many(*keys.values())
    return {
        post_id: (key, Markup(html) if isinstance(html, str) else None)
        for (post_id, key), html in zip(keys.items(), found, strict=True)
    }


def keep_card(key: str, html: str) -> Markup:
    """Store a card rendered with VOTE_SLOT in place of its widget; give it back."""
    cache.set(key, str(html), timeout=caching.page_seconds())
    return Markup(html)


def with_vote_widget(card: str, widget: str) -> Markup:
    """The stored card with this viewer's vote widget in its slot."""
    return Markup(str(card).replace(str(VOTE_SLOT), str(widget), 1))
