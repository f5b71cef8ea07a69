"""Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps), the
codes authenticator apps show. Built on `hmac` alone; the secret is kept in base32, the
form those apps read from a QR code or type in."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

DIGITS = 6
PERIOD_SECONDS = 30
# A phone's clock may be a little off, and a code typed at the end of its step arrives in
# the next one: the step before and the step after are accepted too.
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA-1


def new_secret() -> str:
    """A random 160-bit secret in base32 (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The key bytes of a base32 secret (spaces and lower case forgiven)."""
    cleaned = "".join(secret.split()).upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned)
    except binascii.Error:
        raise ValueError("not a base32 secret") from None


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226's HOTP value of `counter` with `key`, `digits` long (with leading zeros)."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    (number,) = struct.unpack(">I", digest[offset : offset + 4])
    return str((number & 0x7FFFFFFF) % 10**digits).zfill(digits)


def step_at(now: float) -> int:
    """The time step (RFC 6238's T) that the Unix time `now` falls in."""
    return int(now // PERIOD_SECONDS)


def code_at(secret: str, step: int) -> str:
    """The 6-digit code of `secret` for time step `step`."""
    return hotp(secret_key(secret), step)


def normalize_code(code: str | None) -> str | None:
    """The six digits of a typed code ("123 456" and "123-456" are fine), or None when
    it is not six ASCII digits."""
    if code is None or len(code) > 20:
        return None
    cleaned = "".join(code.split()).replace("-", "")
    if len(cleaned) != DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        return None
    return cleaned


def matching_step(secret: str, code: str | None, now: float) -> int | None:
    """The time step whose code `code` is (the current one or a neighbour, for clock
    drift), or None when it matches none of them or is not a code at all."""
    typed = normalize_code(code)
    if typed is None:
        return None
    key = secret_key(secret)
    current = step_at(now)
    found = None
    # Every candidate is compared (in constant time), so timing tells nothing.
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), typed) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads (from the QR code or a tap):
    `otpauth://totp/<issuer>:<account>?secret=…&issuer=<issuer>`."""
    label = f"{quote(issuer, safe='')}:{quote(account, safe='')}"
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": PERIOD_SECONDS,
        },
        safe="",
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of four ("ABCD EFGH …"), easier to type from the screen."""
    return " ".join(secret[index : index + size] for index in range(0, len(secret), size))
