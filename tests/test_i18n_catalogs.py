"""Translators' guarantees: every marked string is translated in every catalog, the
placeholders match the source, and no template shows English outside a translation call."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp.config import PROJECT_ROOT, DefaultConfig

TRANSLATED = [code for code in DefaultConfig.LANGUAGES if code != "en"]
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
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
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
    return message.id if isinstance(message.id, str) else message.id[0]


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated(template_catalog, language):
    catalog = load(PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    translated = {
        message_key(m): m
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = [
        message_key(m) for m in load(template_catalog) if m.id and message_key(m) not in translated
    ]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_the_source(language):
    catalog = load(PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
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
