"""`flask api-token create|list|revoke`: personal access tokens for operators and
scripts, through the same service as /settings/tokens (the same rules and messages).

`create` prints the new token alone on its last line, so a script can keep it:
`TOKEN=$(flask api-token create alice --name deploy --scope write | tail -1)`.
Errors exit non-zero with the service's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import click
from flask.cli import with_appcontext

from webapp.api import tokens
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import ApiToken, User
from webapp.models.token import SCOPE_READ, SCOPE_WRITE, TOKEN_SCOPES
from webapp.profiles.queries import user_by_username
from webapp.urls import MAX_ID

T = TypeVar("T")
SCOPE_WORDS = {SCOPE_READ: "read", SCOPE_WRITE: "read and write"}


@click.group("api-token")
def api_token_group() -> None:
    """Personal access tokens for the JSON API: create, list, revoke."""


def _person(username: str) -> User:
    user = user_by_username(username)
    if user is None:
        raise click.ClickException(f"There is no account named {username!r}.")
    return user


def _run(action: Callable[[], T]) -> T:
    """Run `action` as one transaction; a refusal becomes a clean non-zero exit."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    return result


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


@api_token_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What will use the token (at most 100 characters).")
@click.option(
    "--scope",
    type=click.Choice(TOKEN_SCOPES),
    default=SCOPE_READ,
    show_default=True,
    help="read, or write (read and write).",
)
@with_appcontext
def create(username: str, name: str, scope: str) -> None:
    """Create a token for USERNAME and print it (alone, on the last line). It is shown
    only now: the site keeps a hash of it."""
    owner = _person(username)
    token, secret = _run(lambda: tokens.create_token(owner, name, scope))
    click.echo(
        f"Created token {token.id} “{token.name}” for {owner.profile.username} "
        f"({SCOPE_WORDS[token.scope]}). Keep it now: it is not shown again."
    )
    click.echo(secret)


@api_token_group.command("list")
@click.argument("username")
@with_appcontext
def list_tokens(username: str) -> None:
    """USERNAME's working tokens: id, name, scope, hint, created, last used."""
    owner = _person(username)
    active = tokens.active_tokens_of(owner)
    if not active:
        click.echo(f"{owner.profile.username} has no tokens.")
        return
    rows = [("ID", "NAME", "SCOPE", "HINT", "CREATED", "LAST USED")]
    rows += [
        (
            str(token.id),
            token.name,
            token.scope,
            token.token_hint + "…",
            _when(token.created_at),
            _when(token.last_used_at),
        )
        for token in active
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())


@api_token_group.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(1, MAX_ID))
@with_appcontext
def revoke(token_id: int) -> None:
    """Revoke the token with this ID (see `list`): it stops working at once."""
    existing = db.session.get(ApiToken, token_id)
    was_revoked = existing is not None and existing.revoked_at is not None
    token = _run(lambda: tokens.revoke_token(None, token_id))
    if was_revoked:
        click.echo(f"Token {token.id} “{token.name}” was already revoked.")
    else:
        click.echo(f"Revoked token {token.id} “{token.name}”.")
