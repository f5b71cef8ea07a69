"""Personal access tokens: created and revoked by their owner (or `flask api-token`),
shown once, stored as a SHA-256 hash. A token acts as its owner; a "read" token only
reads, a "write" token also writes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import ApiToken, User, utc_now
from webapp.models.token import SCOPE_WRITE, TOKEN_SCOPES

TOKEN_PREFIX = "qrm_"
HINT_LENGTH = 8  # the prefix and four characters of the secret
NAME_MAX = 100
TOKENS_PER_PERSON = 50
# last_used_at is written at most this often, so reading the API rarely writes.
LAST_USED_EVERY = timedelta(minutes=5)


class TokenError(DomainError):
    """A token request that breaks a rule (a missing name, an unknown scope…)."""


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(owner: User, name: str | None, scope: str | None) -> tuple[ApiToken, str]:
    """A new token for `owner`; returns the row and the secret, which is never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_l("Give the token a name, so you know later what uses it."), "name")
    if len(name) > NAME_MAX:
        raise TokenError(_l("A token name has at most 100 characters."), "name")
    if scope not in TOKEN_SCOPES:
        raise TokenError(_l("A token can read, or read and write."), "scope")
    if len(active_tokens_of(owner)) >= TOKENS_PER_PERSON:
        raise TokenError(_l("You have 50 tokens: revoke one you no longer use first."), "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        name=name,
        scope=scope,
        token_hash=hash_token(secret),
        token_hint=secret[:HINT_LENGTH],
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def active_tokens_of(owner: User) -> list[ApiToken]:
    """The person's tokens that still work, newest first."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(statement))


def revoke_token(owner: User | None, token_id: int) -> ApiToken:
    """Revoke a token (of `owner`; None: any token, for operators). It stops working at
    once. Revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise TokenError(_l("There is no such token."), status=404)
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        db.session.flush()
    return token


def token_owner(secret: str) -> tuple[ApiToken, User] | None:
    """The working token with this secret and its owner, or None (unknown, revoked, or
    the owner is banned). Notes when it was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if not user.is_active:
        return None
    now = utc_now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return token, user


def can_write(token: ApiToken) -> bool:
    return token.scope == SCOPE_WRITE


def active_token_of(owner: User, token_id: int) -> ApiToken | None:
    """One of the person's working tokens (None: unknown, revoked, or someone else's)."""
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == owner.id,
            ApiToken.revoked_at.is_(None),
        )
    )
