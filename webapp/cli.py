"""Command-line tools: `flask create-admin`, `flask seed-demo`, `flask translate …`."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from webapp.config import PROJECT_ROOT
from webapp.extensions import db

BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE_POT = TRANSLATIONS / "messages.pot"


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--username", prompt=True)
@click.password_option()
@with_appcontext
def create_admin_command(email: str, username: str, password: str) -> None:
    """Create a site administrator (or promote the existing account with that email)."""
    from webapp.admin.services import create_or_promote_admin
    from webapp.domain import DomainError
    from webapp.unit_of_work import unit_of_work

    try:
        with unit_of_work():
            user, created = create_or_promote_admin(email, username, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    verb = "Created" if created else "Promoted"
    click.echo(f"{verb} admin {user.profile.username} <{user.email}>.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with a small, believable demo community."""
    from webapp.demo import seed_demo
    from webapp.models import User

    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has content; demo not added.")
            return
        raise click.ClickException("The database is not empty; the demo needs an empty one.")
    summary = seed_demo()
    click.echo("Demo added: " + ", ".join(f"{count} {name}" for name, count in summary.items()))
    click.echo("Sign in as any demo user, e.g. 'alice', with the password 'demo-password-1'.")


@click.group("translate")
def translate_group() -> None:
    """Translation workflow: extract, init LANG, update, compile (wraps pybabel)."""


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    if subprocess.run(command, cwd=PROJECT_ROOT).returncode != 0:
        raise click.ClickException("pybabel " + " ".join(args) + " failed")


@translate_group.command("extract")
def extract() -> None:
    """Collect every marked string into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CONFIG),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "-o",
        str(TEMPLATE_POT),
        ".",  # babel.cfg picks webapp/ and templates/; dot-folders (.venv) are skipped
    )


@translate_group.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalog for LANGUAGE (e.g. 'pt_BR')."""
    click.get_current_context().invoke(extract)
    _pybabel("init", "-i", str(TEMPLATE_POT), "-d", str(TRANSLATIONS), "-l", language)


@translate_group.command("update")
def update() -> None:
    """Merge new and changed strings into every catalog."""
    click.get_current_context().invoke(extract)
    _pybabel("update", "-i", str(TEMPLATE_POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@translate_group.command("compile")
def compile_catalogs() -> None:
    """Build the .mo files the app reads."""
    if not any(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        click.echo("No catalogs to compile yet (English is the source language).")
        return
    _pybabel("compile", "-d", str(TRANSLATIONS))


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(translate_group)
