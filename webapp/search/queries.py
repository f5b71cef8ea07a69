"""Search, the one interface views use: parse the query, pick the engine by dialect,
narrow by filters, and return loaded items with safe highlighted snippets."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp import caching
from webapp.extensions import cache, db
from webapp.feeds.queries import TOP_WINDOWS
from webapp.models import Comment, Community, Post, Profile, Tag, User, utc_now
from webapp.search import syntax
from webapp.search.engines import (
    MARK_END,
    MARK_START,
    SHIELD_GT,
    SHIELD_LT,
    Scope,
    engine_for_session,
)
from webapp.tags.names import normalize_tag

KINDS = ("posts", "comments", "communities", "people", "tags")
SORTS = ("relevance", "new", "top")
PAGE_SIZE = 20
MAX_PAGES = 25  # bounded pagination: the best 500 results are plenty to browse
COUNT_SECONDS = 60  # tab counts may lag writes by this much (SEARCH_COUNT_SECONDS)


@dataclass
class SearchRequest:
    text: str = ""
    kind: str = "posts"
    sort: str = "relevance"
    community: str = ""
    tag: str = ""
    author: str = ""
    window: str = "all"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> SearchRequest:
        def arg(name: str, limit: int = 100) -> str:
            return (args.get(name) or "").strip()[:limit]

        page = arg("page", 4)
        return cls(
            # Not stripped: a trailing space says the last word is finished (no prefix).
            text=(args.get("q") or "")[: syntax.MAX_QUERY_LENGTH * 2],
            kind=arg("type") if arg("type") in KINDS else "posts",
            sort=arg("sort") if arg("sort") in SORTS else "relevance",
            community=arg("community", 30),
            tag=arg("tag", 30),
            author=arg("author", 30),
            window=arg("t") if arg("t") in TOP_WINDOWS else "all",
            page=min(max(int(page), 1), MAX_PAGES) if page.isascii() and page.isdigit() else 1,
        )


@dataclass
class Hit:
    item: object
    snippet: Markup | None
    title: Markup | None


@dataclass
class SearchResults:
    request: SearchRequest
    hits: list[Hit] = field(default_factory=list)
    has_next: bool = False
    unknown_filter: bool = False


def highlighted(raw: str | None) -> Markup | None:
    """Escape everything, then turn only the engine's marks into <mark> elements."""
    if not raw:
        return None
    raw = raw.replace(SHIELD_LT, "<").replace(SHIELD_GT, ">").replace("\x00", "")
    safe = str(escape(raw))
    return Markup(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _scope(request: SearchRequest) -> Scope | None:
    """Resolve filters to ids; None when a filter names something that does not exist."""
    scope = Scope(kind=request.kind)
    if request.community:
        scope.community_id = db.session.scalar(
            select(Community.id).where(Community.name == request.community.lower())
        )
        if scope.community_id is None:
            return None
    if request.tag:
        scope.tag_id = db.session.scalar(
            select(Tag.id).where(Tag.name == normalize_tag(request.tag))
        )
        if scope.tag_id is None:
            return None
    if request.author:
        scope.author_id = db.session.scalar(
            select(Profile.user_id).where(func.lower(Profile.username) == request.author.lower())
        )
        if scope.author_id is None:
            return None
    span = TOP_WINDOWS.get(request.window)
    scope.since = utc_now() - span if isinstance(span, timedelta) else None
    return scope


def _load(kind: str, ids: list[int]) -> dict[int, object]:
    if not ids:
        return {}
    if kind == "posts":
        statement = (
            select(Post)
            .where(Post.id.in_(ids))
            .options(
                joinedload(Post.author).joinedload(User.profile),
                joinedload(Post.community),
                selectinload(Post.tags),
            )
        )
        return {post.id: post for post in db.session.scalars(statement).unique()}
    if kind == "comments":
        comments = (
            select(Comment)
            .where(Comment.id.in_(ids))
            .options(joinedload(Comment.author).joinedload(User.profile), joinedload(Comment.post))
        )
        return {comment.id: comment for comment in db.session.scalars(comments).unique()}
    if kind == "communities":
        return {c.id: c for c in db.session.scalars(select(Community).where(Community.id.in_(ids)))}
    if kind == "people":
        users = db.session.scalars(select(User).where(User.id.in_(ids))).unique()
        return {user.id: user for user in users}
    return {tag.id: tag for tag in db.session.scalars(select(Tag).where(Tag.id.in_(ids)))}


def search(request: SearchRequest) -> SearchResults:
    """One page of results of one kind (the tab counts are `counts`, asked separately)."""
    results = SearchResults(request=request)
    query = syntax.parse(request.text)
    if query.is_empty:
        return results
    scope = _scope(request)
    if scope is None:
        results.unknown_filter = True
        return results
    offset = (request.page - 1) * PAGE_SIZE
    found = engine_for_session().search(scope, query, request.sort, PAGE_SIZE + 1, offset)
    results.has_next = len(found) > PAGE_SIZE and request.page < MAX_PAGES
    found = found[:PAGE_SIZE]
    items = _load(request.kind, [hit.id for hit in found])
    results.hits = [
        Hit(items[hit.id], highlighted(hit.snippet), highlighted(hit.title))
        for hit in found
        if hit.id in items
    ]
    return results


def _counts_key(request: SearchRequest, query: syntax.ParsedQuery) -> str:
    # The parsed query, not the typed text: "Winter  idea" and "winter idea" share one.
    what = [syntax.to_tsquery(query), request.community.lower(), request.tag.lower()]
    what += [request.author.lower(), request.window]
    # Any write that adds or takes away something searchable gives these scopes a new
    # generation: the next count is made afresh, not up to a minute old.
    current = caching.generations(caching.SITE, caching.ALL, caching.DIRECTORY, caching.PEOPLE)
    what.append(json.dumps(sorted((current or {}).items())))
    digest = hashlib.sha256(json.dumps(what).encode()).hexdigest()
    return f"search-counts:{digest}"


def counts(request: SearchRequest) -> dict[str, int]:
    """How many results each kind has for these words and filters, counted up to
    COUNT_CAP + 1 (more is shown as "1,000+"), and cached until a write changes what
    can be found (at most a minute): five counts
    cost more than a page of results, so the page asks for them in a second request.
    Empty when there is nothing to search for."""
    query = syntax.parse(request.text)
    if query.is_empty:
        return {}
    key = _counts_key(request, query)
    found = cache.get(key)
    if found is None:
        scope = _scope(request)
        if scope is None:
            found = dict.fromkeys(KINDS, 0)
        else:
            engine = engine_for_session()
            found = {kind: engine.count(replace(scope, kind=kind), query) for kind in KINDS}
        seconds = current_app.config.get("SEARCH_COUNT_SECONDS", COUNT_SECONDS)
        cache.set(key, found, timeout=seconds)
    return found
