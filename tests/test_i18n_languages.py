"""Adding a language is adding a catalog: the language menus list every catalog in
`translations/` (each in its own name and direction), and mark a catalog that is not
declared complete as partly translated."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from tests.conftest import suite_settings
from webapp import create_app
from webapp.config import PROJECT_ROOT
from webapp.i18n import discover_languages, translated_share


@pytest.fixture
def translations(tmp_path) -> Path:
    """A copy of the shipped catalogs that a test may add to."""
    target = tmp_path / "translations"
    shutil.copytree(
        PROJECT_ROOT / "translations", target, ignore=shutil.ignore_patterns("*.mo", "*.pot")
    )
    for po in target.glob("*/LC_MESSAGES/messages.po"):
        compile_catalog(po)
    return target


def compile_catalog(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parents[1].name)
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)


@pytest.fixture
def app_with(app, tmp_path):
    """A second app on the suite's database, with its own translations and settings."""

    def make(translations: Path, **settings):
        overrides = suite_settings(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance")
        overrides.update(BABEL_TRANSLATION_DIRECTORIES=str(translations), **settings)
        return create_app(overrides)

    return make


def add_italian(translations: Path, app) -> Path:
    """`flask translate init it`, then a translator's first quarter of the messages."""
    result = app.test_cli_runner().invoke(args=["translate", "init", "it"])
    assert result.exit_code == 0, result.output
    po = translations / "it" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="it")
    messages = [message for message in catalog if message.id]
    for source, text in {"Sign in": "Accedi", "Language": "Lingua"}.items():
        catalog[source].string = text
    singular = [m for m in messages if isinstance(m.id, str) and not m.string]
    for message in singular[: math.ceil(len(messages) / 4) - 2]:
        message.string = f"«{message.id}»"  # keeps the placeholders
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0)
    compile_catalog(po)
    return po


def menu(html: str) -> list[str]:
    """The footer's language options, as written."""
    select = re.search(r'<select id="language-select".*?</select>', html, re.S)
    assert select
    return [" ".join(option.split()) for option in re.findall(r"<option.*?</option>", select[0])]


def test_a_new_catalog_is_a_new_language_marked_as_partly_translated(
    translations, app_with, db_session
):
    bare = app_with(translations, LANGUAGES=None)
    po = add_italian(translations, bare)
    header = po.read_text("utf-8").split("\n\n", 1)[0]
    assert "Italian translations for Quorum." in header and "PROJECT" not in header
    assert "Language-Team: Quorum Italian translators" in header

    app = app_with(translations, LANGUAGES=None)  # a new catalog needs a restart
    client = app.test_client()
    assert translated_share(po) == 0.25
    assert menu(client.get("/auth/login").get_data(as_text=True)) == [
        '<option value="en" lang="en" dir="ltr" selected>English</option>',
        '<option value="de" lang="de" dir="ltr" >Deutsch</option>',
        '<option value="es" lang="es" dir="ltr" >Español</option>',
        '<option value="fa" lang="fa" dir="rtl" >فارسی</option>',
        '<option value="it" >Italiano (25% translated)</option>',
    ]
    client.set_cookie("lang", "it")
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="it" dir="ltr" data-theme="auto">' in html and "Accedi" in html
    assert '<label for="language-select">Lingua</label>' in html
    client.set_cookie("lang", "es")
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<option value="it" >Italiano (traducido al 25\xa0%)</option>' in html


def test_a_language_declared_complete_is_listed_by_its_name_alone(translations, app_with):
    add_italian(translations, app_with(translations, LANGUAGES=None))
    listing = translations / "complete.txt"
    listing.write_text(listing.read_text() + "it\n")
    client = app_with(translations, LANGUAGES=None).test_client()
    options = menu(client.get("/auth/login").get_data(as_text=True))
    assert options[-1] == '<option value="it" lang="it" dir="ltr" >Italiano</option>'


def test_a_configured_language_list_restricts_the_catalogs(translations, app_with):
    client = app_with(translations, LANGUAGES=["en", "de"]).test_client()
    assert [re.sub(r"<[^>]+>", "", o) for o in menu(client.get("/").get_data(as_text=True))] == [
        "English",
        "Deutsch",
    ]
    client.set_cookie("lang", "fa")
    assert '<html lang="en" dir="ltr" data-theme="auto">' in client.get("/auth/login").get_data(
        as_text=True
    )


def test_discovery_skips_folders_that_are_not_languages(tmp_path):
    for folder in ("pt_BR", "not-a-locale", "zz"):
        catalog = tmp_path / folder / "LC_MESSAGES" / "messages.po"
        catalog.parent.mkdir(parents=True)
        catalog.write_text('msgid "Home"\nmsgstr "Início"\n', "utf-8")
    (tmp_path / "complete.txt").write_text("# complete\npt_BR  # Brazilian Portuguese\n")
    languages = discover_languages([tmp_path, tmp_path / "missing"], "en")
    assert [(lang.code, lang.name, lang.tag, lang.complete) for lang in languages] == [
        ("en", "English", "en", True),
        ("pt_BR", "Português (Brasil)", "pt-BR", True),
    ]
