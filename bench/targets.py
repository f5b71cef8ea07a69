"""What the benchmark measures, found in the seeded database, and signed-in sessions
obtained through the real sign-in form (so every cookie is one a browser would get)."""

from __future__ import annotations

import http.client
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

from sqlalchemy import text

USER_AGENT = "quorum-bench/1 (wrk)"
# gunicorn trusts X-Forwarded-Proto (gunicorn.conf.py), as behind nginx: the app sees
# https, as in production, and its Secure cookies are the ones a browser would keep.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": USER_AGENT}


def browser_headers(base_url: str) -> dict[str, str]:
    """What a browser behind nginx sends: the proxy's headers, and a same-site Referer
    (Flask-WTF checks it on https POSTs, WTF_CSRF_SSL_STRICT)."""
    return {**PROXY_HEADERS, "Referer": f"https://{urlsplit(base_url).netloc}/"}


# Words too common in any language to make a meaningful search (and English stop words
# PostgreSQL drops). Searched words come from the posts themselves, so no language is
# assumed beyond this.
_STOP = {"about", "there", "their", "which", "would", "these", "those", "other", "where"}
_WORD = re.compile(r"[^\W\d_]{5,}")
_LATIN = re.compile(r"[a-zà-ɏ]+")


# -- A tiny HTTP client with a cookie jar that ignores the Secure flag ---------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str


class Browser:
    """Cookies kept by name, sent on every request, whatever their Secure flag (the
    server is reached over loopback HTTP; X-Forwarded-Proto tells it the client's https)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Response:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        all_headers = {**browser_headers(f"http://{self.host}:{self.port}"), **headers}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urlencode(form)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            payload = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, response.headers, payload)

    def get_following(self, path: str, limit: int = 5) -> tuple[str, Response]:
        """GET, following same-site redirects: the final path and its response."""
        for _ in range(limit):
            response = self.request("GET", path)
            location = response.headers.get("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                parts = urlsplit(location)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                continue
            return path, response
        raise RuntimeError(f"too many redirects from {path}")


_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_CSRF_HEADER = re.compile(r'X-CSRFToken(?:"|&#34;|&quot;)\s*:\s*(?:"|&#34;|&quot;)([^"&]+)')
_CSRF_META = re.compile(r'<meta[^>]+name="csrf-token"[^>]+content="([^"]+)"')


def csrf_from(html: str) -> str | None:
    """The CSRF token a page carries: a form's hidden field, the htmx header on <body>,
    or a csrf-token meta tag."""
    for pattern in (_CSRF_INPUT, _CSRF_HEADER, _CSRF_META):
        if match := pattern.search(html):
            return match.group(1)
    return None


class SignInFailed(RuntimeError):
    pass


def sign_in(base_url: str, identifier: str, passwords: Sequence[str]) -> tuple[str, str]:
    """Sign in through /auth/login as a person would, with the first of `passwords`
    that works: (Cookie header, CSRF token)."""
    error = SignInFailed("no password to try")
    for password in passwords:
        try:
            return _sign_in(base_url, identifier, password)
        except SignInFailed as failed:
            error = failed
    raise error


def _sign_in(base_url: str, identifier: str, password: str) -> tuple[str, str]:
    browser = Browser(base_url)
    page = browser.request("GET", "/auth/login")
    token = csrf_from(page.body)
    if page.status != 200 or not token:
        raise SignInFailed(f"GET /auth/login answered {page.status} without a CSRF token")
    answer = browser.request(
        "POST",
        "/auth/login",
        form={"identifier": identifier, "password": password, "csrf_token": token, "next": ""},
    )
    if answer.status not in (302, 303):
        raise SignInFailed(f"signing in as {identifier!r} answered {answer.status}")
    # The welcome flash is shown (and dropped from the session) by the next page.
    home = browser.request("GET", "/")
    token = csrf_from(home.body)
    if home.status != 200 or not token:
        raise SignInFailed(f"the home page after signing in as {identifier!r}: {home.status}")
    return browser.cookie_header, token


# -- What to measure -----------------------------------------------------------------------


def _one(session: Any, sql: str, **params: Any) -> Any:
    return session.execute(text(sql), params).first()


def scale(session: Any) -> dict[str, int]:
    tables = [
        ("users", "users"),
        ("communities", "communities"),
        ("posts", "posts"),
        ("comments", "comments"),
        ("post votes", "post_votes"),
        ("comment votes", "comment_votes"),
        ("follows", "follows"),
        ("memberships", "memberships"),
    ]
    return {
        label: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        for label, table in tables
    }


@dataclass
class Targets:
    biggest_community: str
    small_community: str | None
    busiest_author: str
    longest_thread_id: int
    longest_thread_comments: int
    common_words: tuple[str, str]
    rare_word: str | None
    home_user: str  # the username with the most memberships and follows
    hot_post_ids: list[int]
    voter_names: list[str]


def _visible(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return f"{prefix}removed_at IS NULL AND {prefix}deleted_at IS NULL"


def find_targets(session: Any, voters: int, sample: int = 3000) -> Targets:
    biggest = _one(session, "SELECT name FROM communities ORDER BY post_count DESC, id LIMIT 1")
    if biggest is None:
        raise RuntimeError("the database has no communities: seed it first")
    small = _one(
        session,
        "SELECT name FROM communities WHERE post_count >= 30 AND name <> :big "
        "ORDER BY post_count, id LIMIT 1",
        big=biggest.name,
    )
    author = _one(
        session,
        "SELECT pr.username FROM posts p JOIN profiles pr ON pr.user_id = p.author_id "
        "GROUP BY pr.username ORDER BY count(*) DESC, pr.username LIMIT 1",
    )
    thread = _one(
        session,
        f"SELECT id, comment_count FROM posts WHERE {_visible()} "
        "ORDER BY comment_count DESC, id LIMIT 1",
    )
    home = _one(
        session,
        "SELECT pr.username FROM profiles pr JOIN users u ON u.id = pr.user_id "
        "WHERE u.banned_at IS NULL ORDER BY "
        "(SELECT count(*) FROM memberships m WHERE m.user_id = pr.user_id) + "
        "(SELECT count(*) FROM follows f WHERE f.follower_id = pr.user_id) DESC, pr.user_id "
        "LIMIT 1",
    )
    hot = session.execute(
        text(
            f"SELECT id FROM posts WHERE {_visible()} AND NOT is_locked "
            "ORDER BY hot DESC, id LIMIT 20"
        )
    ).scalars()
    names = session.execute(
        text(
            "SELECT pr.username FROM profiles pr JOIN users u ON u.id = pr.user_id "
            "WHERE u.banned_at IS NULL AND NOT u.is_admin ORDER BY u.id LIMIT :n"
        ),
        {"n": voters},
    ).scalars()
    texts = session.execute(
        text(f"SELECT title, body_text FROM posts WHERE {_visible()} ORDER BY id DESC LIMIT :n"),
        {"n": sample},
    )
    common, rare = pick_words(f"{title} {body}" for title, body in texts)
    if author is None or thread is None or home is None:
        raise RuntimeError("the database has no posts or people: seed it first")
    return Targets(
        biggest_community=biggest.name,
        small_community=small.name if small else None,
        busiest_author=author.username,
        longest_thread_id=thread.id,
        longest_thread_comments=thread.comment_count,
        common_words=common,
        rare_word=rare,
        home_user=home.username,
        hot_post_ids=list(hot),
        voter_names=list(names),
    )


def pick_words(documents: Any) -> tuple[tuple[str, str], str | None]:
    """The two words found in the most documents (5+ letters, any script) and one word
    found in exactly one (8+ letters when there is such a word)."""
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update({word.lower() for word in _WORD.findall(document or "")})
    ranked = [word for word, _ in frequency.most_common() if word not in _STOP]
    if len(ranked) < 2:
        raise RuntimeError("the posts have too little text to pick search words from")
    singles = sorted(word for word, count in frequency.items() if count == 1)
    # A long Latin-script word: scripts written without spaces (CJK) make whole
    # sentences look like one rare "word".
    long_singles = [word for word in singles if len(word) >= 8 and _LATIN.fullmatch(word)]
    rare = (long_singles or singles or [None])[0]
    return (ranked[0], ranked[1]), rare


def search_path(*words: str) -> str:
    return "/search?q=" + quote_plus(" ".join(words))
