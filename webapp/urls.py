"""URL helpers shared by several areas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from flask.globals import request_ctx
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import BaseConverter

View = TypeVar("View", bound=Callable)


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(char in target for char in "\\\r\n\t\x00"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def back_url(default: str) -> str:
    """Where to send a person after a form: `next` if safe, else the referring page on
    this site, else `default`."""
    candidate = safe_next_url(request.values.get("next"))
    if candidate:
        return candidate
    referrer = request.referrer
    if referrer and referrer.startswith(request.host_url):
        return safe_next_url("/" + referrer[len(request.host_url) :]) or default
    return default


MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger, but ids never get there


def parse_id(raw: str | None) -> int | None:
    """An id from a form or query string (ASCII digits, in range), or None."""
    if not raw or len(raw) > 10 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host and no spaces (links people give)."""
    value = value.strip()
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


# -- Links a page makes to itself ---------------------------------------------------------

CARRIED_KEYS_ATTRIBUTE = "carried_query_keys"


def carries_query(*keys: str) -> Callable[[View], View]:
    """Declare the query keys a page keeps in the links it makes to itself (sort tabs,
    "More" links): `@carries_query("sort", "t")`. Nothing else a query string holds
    reaches `url_for`, so `?_method=POST`, `?_external=1` or `?name=x` change no link."""
    for key in keys:
        if not key.isidentifier() or key.startswith("_"):
            raise ValueError(f"{key!r} cannot be a carried query key")

    def declare(view: View) -> View:
        setattr(view, CARRIED_KEYS_ATTRIBUTE, keys)  # noqa: B010 (read back by carried_query)
        return view

    return declare


def declared_query_keys(endpoint: str | None) -> tuple[str, ...]:
    """The query keys the view of `endpoint` carries (none unless it declares some)."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, CARRIED_KEYS_ATTRIBUTE, ())


def carried_query() -> dict[str, Any]:
    """This request's values for the query keys its page carries (first value of each);
    a key that is also a path argument of the route is never taken from the query."""
    path_arguments = request.url_rule.arguments if request.url_rule else set()
    return {
        key: request.args[key]
        for key in declared_query_keys(request.endpoint)
        if key in request.args and key not in path_arguments
    }


def page_url(**changes: str | int | None) -> str:
    """This page's URL (its route's own path arguments and the query keys it carries)
    with some query arguments changed; None removes one."""
    if request.endpoint is None:
        raise RuntimeError("page_url needs a request that matched a route")
    path_arguments = request.view_args or {}
    for key in changes:
        if key.startswith("_") or key in path_arguments:
            raise ValueError(f"{key!r} is not a query argument of {request.endpoint}")
    query = {**carried_query(), **changes}
    kept: dict[str, Any] = {key: value for key, value in query.items() if value is not None}
    return url_for(request.endpoint, **path_arguments, **kept)


# -- Words routes use ---------------------------------------------------------------------


def _segments(rule: str) -> list[str]:
    return rule.strip("/").split("/")


def route_words(endpoint: str, argument: str) -> frozenset[str]:
    """Fixed words other routes put where `endpoint`'s `argument` goes, lowercased: "new"
    for ("communities.page", "name"), because /c/new is the form, not a community. A
    name equal to one of them would be unreachable, so it is refused. Read from the URL
    map, so a route added later reserves its word without anyone listing it."""
    url_map = current_app.url_map
    variable = re.compile(rf"<(?:[^>]*:)?{re.escape(argument)}>")
    words: set[str] = set()
    for rule in url_map.iter_rules(endpoint):
        segments = _segments(rule.rule)
        positions = [i for i, segment in enumerate(segments) if variable.fullmatch(segment)]
        for position in positions:
            prefix = segments[:position]
            for other in url_map.iter_rules():
                other_segments = _segments(other.rule)
                if len(other_segments) <= position or other_segments[:position] != prefix:
                    continue
                word = other_segments[position]
                if word and "<" not in word:
                    words.add(word.lower())
    return frozenset(words)


# -- Requests whose Host cannot be used ---------------------------------------------------


def refuse_unusable_host() -> None:
    """A Host header that is not in TRUSTED_HOSTS, or that no URL can carry (overlong or
    empty labels), leaves the request without a URL adapter, so even the error page could
    not build a link. Give it one bound to a placeholder host (the site's links are
    relative, so none shows it) and answer 400 at once, before any other hook runs."""
    if request_ctx.url_adapter is not None:
        return
    request_ctx.url_adapter = current_app.url_map.bind(
        current_app.config.get("SERVER_NAME") or "localhost",
        script_name=request.script_root or "/",
        url_scheme=request.scheme,
    )
    # The host is unusable: nothing later may read it (an absolute link, a referrer check).
    request.host = ""
    problem = request.routing_exception
    raise problem if isinstance(problem, HTTPException) else BadRequest()


# -- Links built many times on one page ---------------------------------------------------

LINKS = "quorum.links"  # in the WSGI environ: ({templates}, {links already built})
_NO_TEMPLATE = ()  # an endpoint (with these keys) that fast_url_for leaves to url_for
# Characters werkzeug's default converter (quote with its `safe` set) leaves as they are.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~!$&'()*+,/:;=@-]*").fullmatch


def _marker(converter: Any, position: int) -> tuple[Any, str]:
    """A value `converter` turns into a text no address contains by chance, and that
    text: a word where the converter takes words, a large number where it wants one."""
    for value in (f"zqlinkmarker{position}z", 1_987_654_300 + position):
        try:
            return value, converter.to_url(value)
        except (TypeError, ValueError):
            continue
    raise ValueError("no marker value for this converter")


def _link_template(endpoint: str, names: tuple[str, ...]) -> tuple[Any, ...]:
    """(pieces, converters, plain) such that the URL of `endpoint` with `names` is
    pieces[0] + to_url(value 1) + pieces[1] + …, found by asking url_for once for marker
    values (`plain`: the converter quotes like werkzeug's default one); _NO_TEMPLATE where
    that cannot be trusted to give url_for's own answer (defaults, query strings,
    blueprint-relative or underscore arguments, hosts, static files)."""
    if endpoint[:1] == "." or endpoint == "static" or any(name[:1] == "_" for name in names):
        return _NO_TEMPLATE
    rules = current_app.url_map._rules_by_endpoint.get(endpoint, [])  # noqa: SLF001
    chosen = [rule for rule in rules if rule.arguments == set(names)]
    if len(chosen) != 1 or any(rule.defaults or rule.host or rule.subdomain for rule in rules):
        return _NO_TEMPLATE
    converters = tuple(chosen[0]._converters[name] for name in names)  # noqa: SLF001
    try:
        markers = [_marker(converter, i) for i, converter in enumerate(converters)]
        marked = {name: value for name, (value, _text) in zip(names, markers, strict=True)}
        url = url_for(endpoint, **marked)
    except Exception:  # noqa: BLE001 (url_for itself will say what is wrong)
        return _NO_TEMPLATE
    if "?" in url or "#" in url:
        return _NO_TEMPLATE
    pieces, rest = [], url
    for _value, text in markers:
        if rest.count(text) != 1 or url.count(text) != 1:
            return _NO_TEMPLATE
        piece, rest = rest.split(text)
        pieces.append(piece)
    pieces.append(rest)
    plain = tuple(type(converter).to_url is BaseConverter.to_url for converter in converters)
    return (tuple(pieces), converters, plain)


def _build_link(templates: dict, endpoint: str, values: dict[str, Any]) -> str:
    key = (endpoint, *values)
    template = templates.get(key)
    if template is None:
        template = templates[key] = _link_template(endpoint, tuple(values))
    if template is _NO_TEMPLATE or any(value is None for value in values.values()):
        return url_for(endpoint, **values)
    pieces, converters, plain = template
    parts = [pieces[0]]
    for value, converter, is_plain, piece in zip(
        values.values(), converters, plain, pieces[1:], strict=True
    ):
        unquoted = is_plain and type(value) is str and _UNQUOTED(value)
        parts.append(value if unquoted else converter.to_url(value))
        parts.append(piece)
    return "".join(parts)


def fast_url_for(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, byte for byte, for links a page makes many times
    (a feed's cards): the first call of a request asks url_for for a template (SCRIPT_NAME,
    the rule's fixed parts), later ones only convert the values into it, and a link made
    before in the request is reused. Anything a template cannot vouch for (a None or list
    value, an endpoint with defaults or a query string, `_anchor` and friends) goes to
    url_for itself."""
    if not has_request_context():  # no request to keep templates for
        return url_for(endpoint, **values)
    environ = request.environ  # one request's (g may outlive it, as in tests)
    caches = environ.get(LINKS)
    if caches is None:
        caches = environ[LINKS] = ({}, {})
    templates: dict[tuple, tuple] = caches[0]
    links: dict[tuple, str] = caches[1]
    key = (endpoint, *values.items(), *map(type, values.values()))  # 1, 1.0 and True apart
    try:
        url = links.get(key)
    except TypeError:  # an unhashable value (a list): url_for's own query string
        return url_for(endpoint, **values)
    if url is None:
        url = links[key] = _build_link(templates, endpoint, values)
    return url
