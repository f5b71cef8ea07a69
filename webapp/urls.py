"""URL helpers shared by several areas."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


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
