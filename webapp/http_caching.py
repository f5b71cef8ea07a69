"""HTTP caching: guests browse without a session, so their pages can be shared by
browsers, nginx and CDNs (`Cache-Control: public`, a weak `ETag`, 304 answers), and
static files carry a fingerprint of their contents, so they can be kept for a year.

Why guests need no session: the session held only the CSRF secret behind the token of
every form on the page (vote buttons, the language menu). A guest's page now carries a
*guest token* instead: signed with the site's secret, the same for every guest within an
hour, tied to no session. It is accepted only from requests that are not signed in,
where it can authorize nothing a guest could not do anyway (be sent to sign in, choose
a language, dismiss the announcement). It never signs anyone in: the sign-in and sign-up
forms check their own session-bound token (FlaskForm), which a guest token never
satisfies, so a forged sign-in (login CSRF) is refused as before. Signed-in pages carry
the session's token, and a guest token from a signed-in request is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, same_origin

GUEST_PAGE_MAX_AGE = 30  # seconds a browser or CDN may reuse a guest's page unasked
STATIC_FINGERPRINTED_MAX_AGE = 31536000  # a year: the URL changes with the contents
STATIC_PLAIN_MAX_AGE = 3600  # a bare /static/ URL (as nginx.conf serves it)
STATIC_STALE_MAX_AGE = 60  # a fingerprint that no longer matches: an old page's link
FINGERPRINT_ARGUMENT = "v"
FINGERPRINT_LENGTH = 12

GUEST_TOKEN_PREFIX = "guest."
GUEST_TOKEN_PERIOD = 3600  # a new guest token every hour; older ones live out the limit


# -- CSRF tokens that need no session -----------------------------------------------------


def _guest_signature(secret: str, period: int) -> str:
    message = f"quorum-guest-csrf:{period}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


@lru_cache(maxsize=64)
def _guest_token_for(secret: str, period: int) -> str:
    return f"{GUEST_TOKEN_PREFIX}{period}.{_guest_signature(secret, period)}"


def _secret() -> str:
    return str(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)


def guest_csrf_token() -> str:
    """This hour's guest token (the same for every guest, so pages stay shareable)."""
    return _guest_token_for(_secret(), int(time.time()) // GUEST_TOKEN_PERIOD)


def is_valid_guest_token(token: str | None) -> bool:
    """A guest token signed with this site's secret, no older than WTF_CSRF_TIME_LIMIT."""
    if not token or not token.startswith(GUEST_TOKEN_PREFIX):
        return False
    period_text, _, signature = token[len(GUEST_TOKEN_PREFIX) :].partition(".")
    if not period_text.isascii() or not period_text.isdigit() or len(period_text) > 12:
        return False
    period = int(period_text)
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT") or 3600
    now = int(time.time()) // GUEST_TOKEN_PERIOD
    oldest = now - (int(limit) + GUEST_TOKEN_PERIOD - 1) // GUEST_TOKEN_PERIOD
    if not oldest <= period <= now:
        return False
    return hmac.compare_digest(signature, _guest_signature(_secret(), period))


def page_csrf_token() -> str:
    """The token a page's own forms and htmx header carry: the session's for signed-in
    people, the shared guest token for guests (no session is started for it)."""
    if current_user.is_authenticated:
        return generate_csrf()
    return guest_csrf_token()


def _accepting_guest_tokens(protect: Any) -> Any:
    """Wrap CSRFProtect.protect: a valid guest token from a request that is not signed
    in passes the site-wide check (Flask-WTF's HTTPS referrer check included); anything
    else is checked as before. It does not mark the request CSRF-valid, so a FlaskForm
    still checks its own session-bound token (sign-in, sign-up)."""

    @wraps(protect)
    def protect_accepting_guest_tokens(apply_exemptions: bool = False) -> None:
        config = current_app.config
        if (
            request.method in config["WTF_CSRF_METHODS"]
            and is_valid_guest_token(_submitted_token())
            and not current_user.is_authenticated
            and _referrer_allowed()
        ):
            return None
        return protect(apply_exemptions=apply_exemptions)

    protect_accepting_guest_tokens.accepts_guest_tokens = True  # type: ignore[attr-defined]
    return protect_accepting_guest_tokens


def _submitted_token() -> str | None:
    config = current_app.config
    token = request.form.get(config["WTF_CSRF_FIELD_NAME"])
    if token:
        return token
    for header in config["WTF_CSRF_HEADERS"]:
        if token := request.headers.get(header):
            return token
    return None


def _referrer_allowed() -> bool:
    if not (request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]):
        return True
    return bool(request.referrer) and same_origin(request.referrer, f"https://{request.host}/")


# -- Guest pages: public, with an ETag ----------------------------------------------------


def no_shared_cache() -> None:
    """Mark this response as one no shared cache may keep (a view that shows something
    that depends on more than the URL, the language and the cookies)."""
    g.no_shared_cache = True


def note_whether_session_is_empty() -> None:
    g.session_was_empty = not session


def _discard_unused_csrf_secret(response: Response) -> None:
    """A view that builds a FlaskForm a guest never sees (the post page's comment form)
    mints a CSRF secret in a new session. If this response does not carry the token made
    from it, nobody can ever send it back: forget it, and send no cookie."""
    if not g.get("session_was_empty") or not session or current_user.is_authenticated:
        return
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    if set(session) - {field, "_fresh"}:
        return  # a flash, a sign-in in progress: the session is needed
    token = g.get(field)
    if response.is_streamed or (token and token.encode() in response.get_data()):
        return
    session.clear()
    session.modified = False  # nothing to store, and no cookie to delete


def _explicit_cache_control(response: Response) -> bool:
    control = response.cache_control
    return bool(
        control.public or control.private or control.no_store or control.max_age is not None
    )


def cache_guest_pages(response: Response) -> Response:
    """Guests' HTML pages: `public, max-age` with a weak ETag from the body (and 304 for
    a matching If-None-Match). A guest response that sets a cookie or has a session
    (a flash, a half-finished sign-in) stays `private, no-store`. Signed-in responses
    are left to security.keep_private_pages_out_of_caches."""
    if response.mimetype != "text/html" or current_user.is_authenticated:
        return response
    _discard_unused_csrf_secret(response)
    # Reading the session makes Flask add `Vary: Cookie`, as it must here.
    personal = bool(session) or session.modified or "Set-Cookie" in response.headers
    if personal or g.get("no_shared_cache"):
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.no_store = True
        return response
    cacheable = (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and not _explicit_cache_control(response)
    )
    if not cacheable:
        return response
    response.cache_control.public = True
    response.cache_control.max_age = int(
        current_app.config.get("GUEST_PAGE_MAX_AGE", GUEST_PAGE_MAX_AGE)
    )
    # The page depends on the language (cookie or Accept-Language), the time zone and
    # announcement cookies, and for htmx on whether it is a fragment or a history restore.
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    if "HX-Request" in response.vary:
        response.vary.add("HX-History-Restore-Request")
    response.add_etag(weak=True)
    response.make_conditional(request)
    return response


# -- Static files -------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _fingerprint_of(path: str, _stamp: tuple[int, int] | None) -> str | None:
    try:
        contents = Path(path).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(contents).hexdigest()[:FINGERPRINT_LENGTH]


def static_fingerprint(filename: str) -> str | None:
    """A short hash of a static file's contents, computed once per process (in debug
    mode again whenever the file changes); None for a file that does not exist."""
    folder = current_app.static_folder
    if not folder or not filename:
        return None
    if not current_app.debug:  # files do not change under a running production server
        return _settled_fingerprint(folder, filename)
    path = _static_path(folder, filename)
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return _fingerprint_of(str(path), (status.st_mtime_ns, status.st_size))


def _static_path(folder: str, filename: str) -> Path | None:
    path = (Path(folder) / filename).resolve()
    return path if path.is_relative_to(Path(folder).resolve()) else None


@lru_cache(maxsize=512)
def _settled_fingerprint(folder: str, filename: str) -> str | None:
    """Outside debug mode: one resolve and hash per file and process (a page links a
    few static files; resolving their paths cost more than the rest of url_for)."""
    path = _static_path(folder, filename)
    return _fingerprint_of(str(path), None) if path is not None else None


def add_static_fingerprint(endpoint: str | None, values: dict[str, Any]) -> None:
    """Every url_for('static', filename=…) gains ?v=<fingerprint of the contents>."""
    if endpoint != "static" or FINGERPRINT_ARGUMENT in values:
        return
    fingerprint = static_fingerprint(values.get("filename") or "")
    if fingerprint:
        values[FINGERPRINT_ARGUMENT] = fingerprint


def cache_static_files(response: Response) -> Response:
    """A static file asked for with its current fingerprint is immutable for a year;
    without one it may be kept an hour, with an outdated one a minute."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get(FINGERPRINT_ARGUMENT)
    filename = (request.view_args or {}).get("filename", "")
    control = response.cache_control
    control.no_cache = None
    control.private = None
    control.public = True
    if asked and asked == static_fingerprint(filename):
        control.max_age = STATIC_FINGERPRINTED_MAX_AGE
        control.immutable = True
    else:
        control.max_age = STATIC_STALE_MAX_AGE if asked else STATIC_PLAIN_MAX_AGE
    response.expires = None
    return response


def init_app(app: Flask) -> None:
    from webapp.extensions import csrf

    # Guests' pages carry the guest token: the Jinja global (macros imported without
    # context) and the context variable Flask-WTF's context processor sets.
    app.jinja_env.globals["csrf_token"] = page_csrf_token
    app.context_processor(lambda: {"csrf_token": page_csrf_token})
    # `csrf` is one object for every app a process builds (tests build several): wrap once.
    if not getattr(csrf.protect, "accepts_guest_tokens", False):
        csrf.protect = _accepting_guest_tokens(csrf.protect)
    app.before_request_funcs.setdefault(None, []).insert(0, note_whether_session_is_empty)
    app.url_defaults(add_static_fingerprint)
    app.after_request(cache_static_files)
    # After every other hook but the commit (after_request runs hooks last-registered
    # first, and unit_of_work's commit is the very last): the verdict needs the final
    # body, cookies and session.
    from webapp.unit_of_work import commit_successful_request

    hooks = app.after_request_funcs.setdefault(None, [])
    position = (
        hooks.index(commit_successful_request) + 1 if commit_successful_request in hooks else 0
    )
    hooks.insert(position, cache_guest_pages)
