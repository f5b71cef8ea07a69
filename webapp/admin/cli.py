"""`flask admin …`: the admin area's people actions for an operator on a server without
a browser. The same services as the pages, so the same rules and the same log.

Every action is logged under an admin's name: `--as USERNAME`, or by default the oldest
site admin (the one `flask create-admin` made first). Errors exit non-zero with the
service's message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.admin import services
from webapp.admin.people_queries import banned_now, user_by_username
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import User
from webapp.moderation.log import BAN_DAYS_MAX

ACTOR_HELP = "Username of the admin the action is logged under (default: the oldest admin)."


@click.group("admin")
def admin_group() -> None:
    """Site administration: ban, unban, promote, demote, list."""


def _person(username: str) -> User:
    user = user_by_username(username)
    if user is None:
        raise click.ClickException(f"There is no account named {username!r}.")
    return user


def _actor(username: str | None) -> User:
    """The admin the action is logged under."""
    if username:
        actor = _person(username)
        if not actor.is_admin:
            raise click.ClickException(f"{actor.profile.username} is not a site admin.")
        return actor
    oldest = db.session.scalars(
        select(User)
        .where(User.is_admin.is_(True))
        .options(joinedload(User.profile))
        .order_by(User.created_at, User.id)
        .limit(1)
    ).first()
    if oldest is None:
        raise click.ClickException("There is no site admin yet: run 'flask create-admin' first.")
    return oldest


def _run(action) -> None:
    """Run `action` as one transaction; a refusal becomes a clean non-zero exit."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()


def _as_option(command):
    return click.option("--as", "as_admin", metavar="ADMIN", help=ACTOR_HELP)(command)


@admin_group.command("ban")
@click.argument("username")
@click.option("--reason", required=True, help="Why (shown to the person and in the log).")
@click.option(
    "--days",
    type=click.IntRange(1, BAN_DAYS_MAX),
    help="Lift the ban after this many days (default: no end).",
)
@_as_option
@with_appcontext
def ban(username: str, reason: str, days: int | None, as_admin: str | None) -> None:
    """Ban USERNAME: signed out on their next request, and cannot sign in."""
    actor, target = _actor(as_admin), _person(username)
    until = datetime.now(UTC) + timedelta(days=days) if days else None
    _run(lambda: services.ban_user(actor, target, reason, until))
    end = f"until {until:%Y-%m-%d %H:%M} UTC" if until else "until an admin lifts it"
    click.echo(f"Banned {target.profile.username} {end}.")


@admin_group.command("unban")
@click.argument("username")
@click.option("--reason", default="", help="Why (for the log; optional).")
@_as_option
@with_appcontext
def unban(username: str, reason: str, as_admin: str | None) -> None:
    """Lift USERNAME's ban."""
    actor, target = _actor(as_admin), _person(username)
    _run(lambda: services.unban_user(actor, target, reason))
    click.echo(f"Lifted the ban of {target.profile.username}.")


def _set_admin(username: str, as_admin: str | None, make_admin: bool) -> None:
    actor, target = _actor(as_admin), _person(username)
    changed: list[bool] = []
    _run(lambda: changed.append(services.set_admin(actor, target, make_admin)))
    name = target.profile.username
    if not changed[0]:
        click.echo(f"{name} is already an admin." if make_admin else f"{name} is not an admin.")
    else:
        click.echo(
            f"{name} is now a site admin." if make_admin else f"{name} is no longer a site admin."
        )


@admin_group.command("promote")
@click.argument("username")
@_as_option
@with_appcontext
def promote(username: str, as_admin: str | None) -> None:
    """Make USERNAME a site admin."""
    _set_admin(username, as_admin, make_admin=True)


@admin_group.command("demote")
@click.argument("username")
@_as_option
@with_appcontext
def demote(username: str, as_admin: str | None) -> None:
    """Take USERNAME's admin rights away (never the last admin's). Nobody demotes
    themselves: to demote the oldest admin, pass --as another admin."""
    _set_admin(username, as_admin, make_admin=False)


@admin_group.command("list")
@with_appcontext
def list_people() -> None:
    """The site admins, then the people banned now (with reason and end)."""
    admins = db.session.scalars(
        select(User)
        .where(User.is_admin.is_(True))
        .options(joinedload(User.profile))
        .order_by(User.created_at, User.id)
    ).all()
    banned = db.session.scalars(
        select(User)
        .where(banned_now())
        .options(joinedload(User.profile))
        .order_by(User.banned_at, User.id)
    ).all()
    click.echo(f"Admins ({len(admins)}):")
    for user in admins:
        click.echo(f"  {user.profile.username} <{user.email}>")
    click.echo(f"Banned ({len(banned)}):")
    for user in banned:
        end = f"until {user.banned_until:%Y-%m-%d %H:%M} UTC" if user.banned_until else "no end"
        click.echo(f"  {user.profile.username} ({end}): {user.ban_reason}")
