"""Translators' guarantees: every marked string is translated in every catalog declared
complete, the placeholders match the source, no template shows English outside a
translation call or glues a sentence from two messages, ambiguous words carry a context,
and catalog headers name the project."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp.cli import KEYWORDS
from webapp.config import PROJECT_ROOT
from webapp.i18n import declared_complete, discover_languages

TRANSLATIONS = PROJECT_ROOT / "translations"
CATALOGS = sorted(p.parents[1].name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
TRANSLATED = sorted(declared_complete(TRANSLATIONS))  # the completeness test applies to these
TEMPLATES = PROJECT_ROOT / "templates"
# Text that is the same in every language: symbols and URL fragments.
ALLOWED_BARE_TEXT = {"/c/", "@", "#", "·", "▲", "▼", "←", "()", ":"}
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "value", "content"}


@pytest.fixture(scope="module")
def template_catalog(tmp_path_factory) -> Path:
    """A fresh extraction of every marked string, as `flask translate extract` makes."""
    pot = tmp_path_factory.mktemp("catalog") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(PROJECT_ROOT / "babel.cfg"),
            *[part for keyword in KEYWORDS for part in ("-k", keyword)],
            "--add-comments=Translators:",
            "-o",
            str(pot),
            ".",
        ],
        check=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    return pot


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def message_key(message) -> str:
    """The msgid, with its context in front ("follow button|Following · Unfollow")."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}|{msgid}" if message.context else msgid


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated(template_catalog, language):
    catalog = load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    translated = {
        message_key(m): m
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = [
        message_key(m) for m in load(template_catalog) if m.id and message_key(m) not in translated
    ]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", CATALOGS)
def test_placeholders_match_the_source(language):
    catalog = load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(placeholders(s) for s in sources))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translation in strings:
            if translation and placeholders(translation) - expected:
                wrong.append((message_key(message), translation))
            if translation and len(strings) == 1 and placeholders(translation) != expected:
                wrong.append((message_key(message), translation))
    assert wrong == []


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and tag != "input" and tag != "meta":
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def bare_text(template_source: str) -> list[str]:
    """Visible text in a template once every Jinja expression and tag is taken out."""
    source = re.sub(r"{#.*?#}", " ", template_source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    parser = _VisibleText()
    parser.feed(source)
    texts = []
    for text in parser.found:
        for piece in text.split():
            if piece in ALLOWED_BARE_TEXT or not re.search(r"[^\W\d_]", piece):
                continue
            texts.append(piece)
    return texts


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_templates_show_no_untranslated_text(template):
    assert bare_text((TEMPLATES / template).read_text()) == []


def test_the_scanner_finds_bare_text():
    assert bare_text("<p>Hello {{ _('world') }}</p><img alt=\"Photo\">") == ["Hello", "Photo"]
    assert bare_text("<p>{{ _('Hello') }} · #{{ tag }}</p>") == []


def test_every_catalog_is_a_language_of_the_site():
    """A folder with a catalog is a language (named in itself); complete.txt names only
    catalogs that exist."""
    languages = discover_languages([TRANSLATIONS])
    assert [language.code for language in languages] == ["en", *CATALOGS]
    assert all(language.name and language.direction in ("ltr", "rtl") for language in languages)
    assert set(TRANSLATED) <= set(CATALOGS)


@pytest.mark.parametrize("language", CATALOGS)
def test_catalog_headers_name_the_project(language):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    header = path.read_text("utf-8").split("\n\n", 1)[0]
    for placeholder in ("PROJECT", "ORGANIZATION", "FIRST AUTHOR", "EMAIL@ADDRESS", "FULL NAME"):
        assert placeholder not in header
    assert "LL@li.org" not in header
    catalog = load(path)
    assert catalog.project == "Quorum"
    assert "Copyright (C) 2026 Quorum contributors" in catalog.header_comment


GLUED = re.compile(r"""_\([^()]*\)\s*~\s*(['"])[^'"]*\1\s*~\s*_\(""")


def glued_messages(template_source: str) -> list[str]:
    """Places where a template joins two translated messages into one text."""
    return [match.group(0) for match in GLUED.finditer(template_source)]


def test_the_glue_finder_finds_glued_messages():
    assert glued_messages("{{ _('Following') ~ ' · ' ~ _('Unfollow') }}")
    assert not glued_messages("{{ pgettext('follow button', 'Following · Unfollow') }}")


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_no_text_is_glued_from_two_messages(template):
    """Word order differs between languages: one text is one message."""
    assert glued_messages((TEMPLATES / template).read_text()) == []


def test_ambiguous_words_carry_a_context_and_a_comment(template_catalog):
    """ "Following" as a button state and as a list name are two messages."""
    catalog = load(template_catalog)
    button = catalog.get("Following · Unfollow", context="follow button")
    assert button is not None and button.auto_comments, "the follow button needs a context"
    assert catalog.get("Following", context="people this person follows") is not None
    assert catalog.get("Following") is None, "'Following' without a context is ambiguous"
    assert catalog.get("Unfollow") is None, "'Unfollow' is part of the follow button's text"
