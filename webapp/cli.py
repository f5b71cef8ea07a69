"""Command-line tools: `flask create-admin`, `flask seed-demo`, `flask translate …`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import click
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from webapp.config import PROJECT_ROOT
from webapp.extensions import db

BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
TEMPLATE_POT = "messages.pot"  # in the translations directory; built, not committed


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


# Written into the template and every catalog header.
PROJECT = "Quorum"
COPYRIGHT_HOLDER = "Quorum contributors"
BUGS_ADDRESS = "Quorum issue tracker"
# Extraction keywords beyond Babel's defaults (which include pgettext and npgettext).
KEYWORDS = (
    "_l",
    "lazy_gettext",
    "lazy_ngettext:1,2",
    "lazy_pgettext:1c,2",
    "lazy_npgettext:1c,2,3",
)
# One line per string (no wrapping), so that extract, init and update never re-wrap.
WIDTH = 0


def _version() -> str:
    try:
        return metadata.version("quorum")
    except metadata.PackageNotFoundError:
        return "0"


def _translations() -> Path:
    """The app's (first) translations directory."""
    return Path(current_app.extensions["babel"].translation_directories[0])


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    if subprocess.run(command, cwd=PROJECT_ROOT).returncode != 0:
        raise click.ClickException("pybabel " + " ".join(args[:1]) + " failed")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH)


def _messages(catalog: Catalog) -> list[tuple]:
    """What translators see of a catalog, headers and dates left out."""
    return [
        (
            obsolete,
            message.context,
            message.id,
            message.string,
            sorted(message.flags),
            message.auto_comments,
            message.user_comments,
            message.previous_id,
        )
        for obsolete, messages in ((False, list(catalog)), (True, catalog.obsolete.values()))
        for message in messages
        if message.id
    ]


def _header(catalog: Catalog) -> tuple:
    return (
        catalog.header_comment,
        catalog.project,
        catalog.msgid_bugs_address,
        catalog.last_translator,
        catalog.language_team,
    )


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


def _project_headers(catalog: Catalog) -> None:
    """Real project data in a catalog's header instead of Babel's placeholders."""
    locale, comment = catalog.locale, catalog.header_comment  # before the fields change
    catalog.project, catalog.version = PROJECT, _version()
    catalog.msgid_bugs_address = BUGS_ADDRESS
    catalog.copyright_holder = COPYRIGHT_HOLDER
    if "FULL NAME" in catalog.last_translator:
        catalog.last_translator = COPYRIGHT_HOLDER
    if locale is not None and "LL@li.org" in catalog.language_team:
        catalog.language_team = f"{PROJECT} {locale.english_name} translators"
    if any(mark in comment for mark in ("PROJECT", "ORGANIZATION", "FIRST AUTHOR", "EMAIL@")):
        what = f"{locale.english_name} translations" if locale else "Translations template"
        created = catalog.creation_date
        year = (created if isinstance(created, datetime) else datetime.now(UTC)).year
        catalog.header_comment = (
            f"# {what} for {PROJECT}.\n"
            f"# Copyright (C) {year} {COPYRIGHT_HOLDER}\n"
            f"# This file is distributed under the same license as the {PROJECT} project.\n#"
        )


@translate_group.command("extract")
@with_appcontext
def extract() -> None:
    """Collect every marked string, with its context and translator comments, into
    translations/messages.pot."""
    keywords = [part for keyword in KEYWORDS for part in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CONFIG),
        *keywords,
        "--add-comments=Translators:",
        "--no-location",
        "--sort-output",
        "--no-wrap",
        f"--project={PROJECT}",
        f"--version={_version()}",
        f"--copyright-holder={COPYRIGHT_HOLDER}",
        f"--msgid-bugs-address={BUGS_ADDRESS}",
        "-o",
        str(_translations() / TEMPLATE_POT),
        ".",  # babel.cfg picks webapp/ and templates/; dot-folders (.venv) are skipped
    )


@translate_group.command("init")
@click.argument("language")
@with_appcontext
def init(language: str) -> None:
    """Start a catalog for LANGUAGE (e.g. 'pt_BR'); it shows in the language menu as
    partly translated until it is listed in translations/complete.txt."""
    language = language.replace("-", "_")
    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        raise click.ClickException(f"{language!r} is not a locale Babel knows.") from None
    target = _translations() / language / "LC_MESSAGES" / "messages.po"
    if target.exists():
        raise click.ClickException(f"{target} exists already: use 'flask translate update'.")
    click.get_current_context().invoke(extract)
    catalog = _read(_translations() / TEMPLATE_POT, locale=language)
    catalog.locale = locale
    catalog.revision_date = datetime.now(UTC)
    catalog.fuzzy = False
    _project_headers(catalog)
    _write(target, catalog)
    click.echo(f"Created {target}.")


@translate_group.command("update")
@with_appcontext
def update() -> None:
    """Merge new and changed strings into every catalog; a catalog whose messages did not
    change is left as it is (byte for byte)."""
    click.get_current_context().invoke(extract)
    template = _read(_translations() / TEMPLATE_POT)
    for path in sorted(_translations().glob("*/LC_MESSAGES/messages.po")):
        language = path.parents[1].name
        before = _read(path, locale=language)
        catalog = _read(path, locale=language)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        _project_headers(catalog)
        if _messages(catalog) == _messages(before) and _header(catalog) == _header(before):
            click.echo(f"{language}: unchanged")
            continue
        catalog.creation_date = template.creation_date
        _write(path, catalog)
        missing = sum(1 for message in catalog if message.id and not _translated(message))
        click.echo(f"{language}: updated, {missing} to translate")


@translate_group.command("compile")
@with_appcontext
def compile_catalogs() -> None:
    """Build the .mo files the app reads."""
    if not any(_translations().glob("*/LC_MESSAGES/messages.po")):
        click.echo("No catalogs to compile yet (English is the source language).")
        return
    _pybabel("compile", "-d", str(_translations()))


def init_app(app: Flask) -> None:
    from webapp.admin.cli import admin_group  # flask admin ban/unban/promote/demote/list
    from webapp.api.cli import api_token_group  # flask api-token create/list/revoke
    from webapp.counters import recount_command  # flask recount: counters from the rows
    from webapp.seed import seed_command  # flask seed: a large data set for benchmarks

    app.cli.add_command(create_admin_command)
    app.cli.add_command(recount_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(translate_group)
    app.cli.add_command(admin_group)
    app.cli.add_command(api_token_group)
