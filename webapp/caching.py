"""What guests see is cached; a write makes exactly its stale pages unreachable.

Generation numbers. Every cached page or fragment names the *scopes* it shows: "site"
(everything: site settings, display names and avatars, bans, purges, community titles),
"all" (any post or comment: /all, guests' home, tag pages, the directory's post counts),
"directory" (members and new communities), "people" (karma that moved for people no
write names), `community:<id>` (its feed and sidebar), `post:<id>` and `user:<id>` (a
profile, and the author card on their posts). Each scope has a generation, a random
token in the cache; an entry keeps the generations it was made with and is served only
while they are all current. A write marks the scopes it changes (`stale_post`,
`stale_comment`, … or `mark_stale`); once its transaction has committed, one cache
round trip gives each a new random token (one `after_commit` listener here, beside
unit_of_work's hooks), and the old entries are never served again. A rolled-back write
bumps nothing. Tokens are random, never counters, so a cache that lost a generation
never meets an old entry again.

Guest pages (`cached_guest_page`). For a guest (no sign-in, no session beyond a CSRF
secret), a GET is looked up under: path, sorted query, host, locale, time zone, every
cookie but the session's (the dismissed announcement …), the hour of the shared guest
CSRF token and the htmx headers, with the generations of its scopes read in the same
round trip (one more for a page whose scopes were learned). A hit answers without
running the view and without a single SQL statement; `http_caching.cache_guest_pages`
still adds the `Cache-Control`, `ETag` and 304 of a guest page. Only a 200 HTML page
that sets no cookie and needs no session is stored. Pages whose scopes depend on the
database (the community of a post, the id behind /u/<name>) learn them on their first
render, from the objects the view loaded, and keep them in the cache ("deps:…").

Signed-in pages are never stored: every part of them can carry the person's own votes,
powers or names. What they share with everyone is cheap already (counters kept by the
services, pinned posts from a partial index) or cached where it is computed (search's
tab counts, site settings).

Several processes (PAGE_CACHE). SimpleCache lives in one process: under gunicorn with
several workers, a write bumps the generations of its own worker only, and the others
would keep serving their old copies. `PAGE_CACHE = "auto"` (the default) therefore
caches pages and fragments when the cache is shared (Redis) or when there is one
process (the development server, gunicorn with one worker: gunicorn sets
SERVER_SOFTWARE, and QUORUM_WORKER_PROCESSES or WEB_CONCURRENCY says how many workers);
"on" and "off" force it (the test suite runs with "off": it counts the statements of a
render by reading a page twice; the tests of the cache turn it on).
`PAGE_CACHE_SECONDS` (60) bounds the age of a page (relative times such as "5 minutes
ago" drift by at most that).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Response, current_app, g, make_response, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.util import identity_key

from webapp.extensions import cache, db
from webapp.http_caching import GUEST_TOKEN_PERIOD
from webapp.models import Comment, Community, Post, Profile, User

_STALE_KEY = "quorum_stale_scopes"
GENERATION_PREFIX = "gen:"
GENERATION_SECONDS = 30 * 24 * 3600  # lost or expired: a new random token, never an old one
PAGE_SECONDS = 60
DEPENDENCY_SECONDS = 24 * 3600
SITE = "site"
ALL = "all"
DIRECTORY = "directory"  # the community directory: members, new communities
PEOPLE = "people"  # every profile: numbers moved for people no write names
# Session keys a guest may carry and still share pages: the CSRF secret a sign-in form
# minted (guests' pages carry the shared guest token instead) and Flask-Login's mark.
_SHAREABLE_SESSION_KEYS = frozenset({"csrf_token", "_fresh"})


# -- Marking scopes stale ----------------------------------------------------------------


def _generation_key(scope: str) -> str:
    return f"{GENERATION_PREFIX}{scope}"


def mark_stale(*scopes: str) -> None:
    """Make `scopes` stale once the current transaction commits (never if it rolls back)."""
    db.session().info.setdefault(_STALE_KEY, set()).update(scopes)


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    # One bump per transaction, beside unit_of_work's own after-commit hooks (and like
    # them, a released SAVEPOINT is not the commit).
    if session.in_nested_transaction():
        return
    scopes = session.info.pop(_STALE_KEY, None)
    if scopes:
        bump(scopes)


@event.listens_for(Session, "after_transaction_end")
def _forget_scopes_of_rolled_back_work(session: Session, transaction: SessionTransaction) -> None:
    # After a commit they were bumped already; a root transaction that ends otherwise
    # was rolled back: its scopes are not stale, and the next write marks its own.
    if transaction.parent is None:
        session.info.pop(_STALE_KEY, None)


def bump(scopes: Iterable[str]) -> None:
    """Give each scope a new random generation now (one cache round trip)."""
    values = {_generation_key(scope): secrets.token_hex(8) for scope in scopes}
    if values:
        cache.set_many(values, timeout=GENERATION_SECONDS)


def _person(user_id: int | None) -> tuple[str, ...]:
    return (f"user:{user_id}",) if user_id is not None else ()


def stale_post(post: Post) -> None:
    """A post changed (or was created): its page, its community's, its author's, /all."""
    mark_stale(f"post:{post.id}", f"community:{post.community_id}", ALL, *_person(post.author_id))


def _community_of(comment: Comment) -> int | None:
    """The comment's community, from the session's objects when they have it (no SQL)."""
    post = inspect(comment).attrs.post.loaded_value
    if not isinstance(post, Post):
        post = db.session.identity_map.get(identity_key(Post, comment.post_id))
    if isinstance(post, Post) and "community_id" in inspect(post).dict:
        return post.community_id
    return db.session.scalar(select(Post.community_id).where(Post.id == comment.post_id))


def stale_comment(comment: Comment) -> None:
    """A comment changed (or was created): its post's page, community, author, /all."""
    community_id = _community_of(comment)
    mark_stale(
        f"post:{comment.post_id}",
        ALL,
        *((f"community:{community_id}",) if community_id is not None else ()),
        *_person(comment.author_id),
    )


def stale_comment_in(comment: Comment, community_id: int) -> None:
    """`stale_comment` for a caller that knows the comment's community already."""
    mark_stale(
        f"post:{comment.post_id}", f"community:{community_id}", ALL, *_person(comment.author_id)
    )


def stale_people() -> None:
    """Numbers of people not named by the write changed (the karma of everyone who
    commented under a post taken down): every profile page and post author card."""
    mark_stale(PEOPLE)


def stale_community(community: Community | int) -> None:
    """Its page and sidebar (members, moderators, bans) and the directory changed."""
    community_id = community if isinstance(community, int) else community.id
    mark_stale(f"community:{community_id}", DIRECTORY)


def stale_person(user: User | int | None) -> None:
    """A person's profile page and numbers changed (and every post page showing them)."""
    user_id = user if isinstance(user, int) or user is None else user.id
    mark_stale(*_person(user_id))


def stale_site() -> None:
    """Everything: site settings, names shown everywhere, purges, community details."""
    mark_stale(SITE)


# -- Reading generations -----------------------------------------------------------------


def generations(*scopes: str) -> dict[str, str] | None:
    """The current generation of each scope (one `get_many`; scopes never bumped get a
    fresh token). None when the cache cannot say (its store is out of reach)."""
    keys = [_generation_key(scope) for scope in scopes]
    return _completed(dict(zip(scopes, cache.get_many(*keys), strict=True)))


def _completed(found: dict[str, Any]) -> dict[str, str] | None:
    """`found` (scope → generation or None) with a new token for each scope that has
    none yet; None when the store is out of reach."""
    for scope in [scope for scope, value in found.items() if not value]:
        token = secrets.token_hex(8)
        if cache.add(_generation_key(scope), token, timeout=GENERATION_SECONDS):
            found[scope] = token
        else:  # another request gave it one first (or the store is down: None)
            found[scope] = cache.get(_generation_key(scope))
    if not all(found.values()):
        return None
    return {scope: str(value) for scope, value in found.items()}


def digest(parts: Iterable[object]) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- Is caching on in this process? ------------------------------------------------------


def _several_processes() -> bool:
    if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        return False
    workers = os.environ.get("QUORUM_WORKER_PROCESSES") or os.environ.get("WEB_CONCURRENCY")
    return workers != "1"


def page_cache_enabled() -> bool:
    """PAGE_CACHE: "on", "off", or "auto" (on with a shared cache or in one process)."""
    setting = str(current_app.config.get("PAGE_CACHE", "auto")).lower()
    if setting in ("on", "true", "1", "yes"):
        return True
    if setting in ("off", "false", "0", "no", "none"):
        return False
    cache_type = str(current_app.config.get("CACHE_TYPE") or "")
    shared = cache_type not in ("", "NullCache") and "Simple" not in cache_type
    return shared or not _several_processes()


def page_seconds() -> int:
    return int(current_app.config.get("PAGE_CACHE_SECONDS", PAGE_SECONDS))


# -- Guest pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageScopes:
    """What a page shows: `fixed` scopes known from the URL, and `learned`, a name
    under which the scopes found on its first render are kept (None: nothing to learn),
    with `learn`, which finds them among the objects the view loaded."""

    fixed: tuple[str, ...]
    learned: str | None = None
    learn: Callable[[], tuple[str, ...] | None] | None = None


def _guest_request() -> bool:
    if request.method not in ("GET", "HEAD") or current_user.is_authenticated:
        return False
    return set(session).issubset(_SHAREABLE_SESSION_KEYS)


def _cookies_that_shape_the_page() -> list[tuple[str, str]]:
    """Every cookie but the session's (checked apart): language, time zone, the
    dismissed announcement, and whatever cookie a page may read tomorrow."""
    session_cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
    return sorted(
        (name, value) for name, value in request.cookies.items() if name != session_cookie
    )


def _request_key() -> str:
    query = sorted(request.args.items(multi=True))
    return "page:" + digest(
        (
            request.path,
            query,
            request.host,
            request.scheme,
            str(get_locale()),
            str(get_timezone()),
            _cookies_that_shape_the_page(),
            int(time.time()) // GUEST_TOKEN_PERIOD,
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            request.headers.get("HX-Target", ""),
        )
    )


def _dependency_key(name: str) -> str:
    return f"deps:{name}"


def _lookup(
    spec: PageScopes, key: str
) -> tuple[Any, tuple[str, ...] | None, dict[str, str] | None]:
    """The stored entry of this request, the scopes of its page (None: not learned yet)
    and their current generations (None: unknown). One cache round trip, two for a page
    whose scopes were learned."""
    fixed = (SITE, *spec.fixed)
    names = [key]
    if spec.learned is not None:
        names.append(_dependency_key(spec.learned))
    names += [_generation_key(scope) for scope in fixed]
    values = cache.get_many(*names)
    entry, found = values[0], dict(zip(fixed, values[-len(fixed) :], strict=True))
    if spec.learned is None:
        return entry, fixed, _completed(found)
    learned = values[1]
    if not isinstance(learned, tuple):
        return entry, None, None
    keys = [_generation_key(scope) for scope in learned]
    found.update(zip(learned, cache.get_many(*keys), strict=True))
    return entry, fixed + learned, _completed(found)


def _learn_after(spec: PageScopes, used: tuple[str, ...] | None) -> bool:
    """Keep the scopes the view's objects show; True when the page was keyed by them."""
    if spec.learned is None or spec.learn is None:
        return True
    found = spec.learn()
    if found is None:
        return False
    if used is None or set(used) != {SITE, *spec.fixed, *found}:
        cache.set(_dependency_key(spec.learned), found, timeout=DEPENDENCY_SECONDS)
        return False
    return True


def _storable(response: Response) -> bool:
    if (
        response.status_code != 200
        or response.mimetype != "text/html"
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or g.get("no_shared_cache")
        or not _guest_request()
    ):
        return False
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    # A page carrying a token bound to this guest's session is theirs alone.
    return not (token and token.encode() in response.get_data())


def _entry_of(response: Response) -> dict[str, Any]:
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "set-cookie")
    ]
    return {
        "status": response.status_code,
        "headers": headers,
        "body": response.get_data(),
        "htmx": bool(g.get("varies_by_htmx")),
    }


def _response_of(entry: dict[str, Any]) -> Response:
    if entry.get("htmx"):
        g.varies_by_htmx = True  # htmx.add_vary_header adds `Vary: HX-Request` again
    g.page_cache_hit = True
    return Response(entry["body"], status=entry["status"], headers=entry["headers"])


def cached_guest_page(scopes_of_request: Callable[..., PageScopes | None]):
    """Serve guests this page from the cache, keyed by what changes its HTML and the
    generations of the scopes `scopes_of_request(**view_args)` names; signed-in people,
    writes and guests with a session always get the view."""

    def decorate(view):
        @wraps(view)
        def cached_view(**view_args):
            if not (_guest_request() and page_cache_enabled()):
                return view(**view_args)
            spec = scopes_of_request(**view_args)
            if spec is None:
                return view(**view_args)
            key = _request_key()
            entry, scopes, current = _lookup(spec, key)
            if current is not None and isinstance(entry, dict) and entry["generations"] == current:
                return _response_of(entry)
            response = make_response(view(**view_args))
            if _learn_after(spec, scopes) and current is not None and _storable(response):
                stored = {**_entry_of(response), "generations": current}
                cache.set(key, stored, timeout=page_seconds())
            return response

        return cached_view

    return decorate


# -- Scopes of the cached pages ----------------------------------------------------------


def _loaded(kind: type, test: Callable[[Any], bool]) -> Any:
    """An object of `kind` the request's session holds and `test` accepts (no SQL)."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, kind) and test(inspect(instance).dict):
            return instance
    return None


def everything_scopes(**_: Any) -> PageScopes:
    """/all, guests' home, tag pages and the tag list."""
    return PageScopes((ALL,))


def search_scopes(**_: Any) -> PageScopes:
    """Search results and their tab counts: posts and comments ("all"), communities
    ("directory") and people ("people"); names everywhere are "site"."""
    return PageScopes((ALL, DIRECTORY, PEOPLE))


def directory_scopes(**_: Any) -> PageScopes:
    """The community directory: post counts ("all"), members and new communities."""
    return PageScopes((ALL, DIRECTORY))


def community_scopes(name: str, **_: Any) -> PageScopes:
    """/c/<name>: the community, whose id is learned on the first render."""

    def learn() -> tuple[str, ...] | None:
        found = _loaded(Community, lambda values: values.get("name") == name.lower())
        return (f"community:{found.id}",) if found is not None else None

    return PageScopes((), f"community-name:{name.lower()}", learn)


def person_scopes(username: str, **_: Any) -> PageScopes:
    """/u/<name>: the person, whose id is learned on the first render."""

    def learn() -> tuple[str, ...] | None:
        found = _loaded(
            Profile, lambda values: str(values.get("username", "")).lower() == username.lower()
        )
        return _person(found.user_id) if found is not None else None

    return PageScopes((PEOPLE,), f"username:{username.lower()}", learn)


def post_scopes(post_id: int, **_: Any) -> PageScopes:
    """/p/<id>/<slug>: the post, and the community sidebar and author card it shows."""

    def learn() -> tuple[str, ...] | None:
        post = db.session.identity_map.get(identity_key(Post, post_id))
        if not isinstance(post, Post):
            return None
        values = inspect(post).dict
        if "community_id" not in values:
            return None
        return (f"community:{values['community_id']}", *_person(values.get("author_id")))

    return PageScopes((f"post:{post_id}", PEOPLE), f"post:{post_id}", learn)
