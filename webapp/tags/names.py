"""Tag names in every script: how what people type becomes tag names, and what is
refused (always with a message naming the tag, never dropped in silence).

A tag is letters and digits of any script, with the combining marks written on them and
a joiner where it changes the word (the ZWNJ inside Persian "می‌خوانم"), in words joined
by single hyphens. Names are NFKC-normalized and case-folded, so "Bücher", "BÜCHER" and
"bu\u0308cher" are one tag. Between words, spaces, underscores, dots, apostrophes and
dashes become one hyphen; a leading "#" is the hashtag sign. Tags are separated by the
comma of any script (",", "،", "、", "，" …).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from webapp.domain import DomainError
from webapp.i18n import number
from webapp.models.tag import MAX_TAGS_PER_POST, TAG_MAX
from webapp.validation import ZWJ, ZWNJ, visible_text

# Commas of every script, and the compatibility forms that NFKC turns into "," or "、".
TAG_SEPARATORS = (
    ",\u060c\u3001\u055d\u07f8\u1363\u1802\u1808\u2e41\ua4fe\ua60d"
    "\uff0c\ufe50\ufe10\uff64\ufe51\ufe11"
)
_SEPARATOR = re.compile(f"[{re.escape(TAG_SEPARATORS)}]")

# Punctuation between the words of one tag, written as a hyphen: dots, middle dots,
# apostrophes (plus whitespace, connectors such as "_" and every dash, by category).
_WORD_BREAKS = frozenset(".\u00b7\u30fb'\u2019")
_JOINERS = ZWNJ + ZWJ
_LOOSE_JOINERS = re.compile(f"^[{_JOINERS}]+|[{_JOINERS}]+$|[{_JOINERS}]+(?=-)|(?<=-)[{_JOINERS}]+")
_HYPHENS = re.compile(r"-{2,}")
_SHOWN_MAX = 40  # characters of a refused tag quoted in its message


class TagError(DomainError):
    """A rule of this area was broken."""


def split_tags(text: str) -> list[str]:
    """The parts of a tag field between its commas, as typed (at least one part)."""
    return _SEPARATOR.split(text)


def _is_word_break(char: str) -> bool:
    return char.isspace() or char in _WORD_BREAKS or unicodedata.category(char) in ("Pc", "Pd")


def normalize_tag(raw: str) -> str:
    """'#Machine Learning' → 'machine-learning', 'BÜCHER' → 'bücher'; '' when nothing
    is left. Characters a tag cannot hold stay in place for `check_tag` to name."""
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("#")
    text = visible_text(unicodedata.normalize("NFKC", text.casefold()))
    name = "".join("-" if _is_word_break(char) else char for char in text)
    name = _LOOSE_JOINERS.sub("", unicodedata.normalize("NFKC", name))
    return _HYPHENS.sub("-", name).strip("-")


def refused_character(name: str) -> str | None:
    """The first character of a normalized `name` that a tag cannot hold, or None."""
    for index, char in enumerate(name):
        if char.isalnum() or char == "-" or char in _JOINERS:
            continue
        if unicodedata.category(char) in ("Mn", "Mc") and index and name[index - 1] != "-":
            continue  # a mark written on the letter before it
        return char
    return None


def _shown(text: str) -> str:
    """`text` as quoted in a message: without invisible characters, not too long, and a
    lone mark written on a dotted circle."""
    text = visible_text(text)
    text = text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"
    if text and unicodedata.category(text[0]) in ("Mn", "Mc", "Me"):
        return "\u25cc" + text
    return text


def check_tag(raw: str) -> str:
    """The tag name `raw` stands for ('' for nothing but spaces, hyphens or '#');
    refused on the "tags" field, naming it, when it holds a character a tag cannot
    hold or is too long."""
    name = normalize_tag(raw)
    refused = refused_character(name)
    if refused is not None:
        raise TagError(
            # Translators: %(tag)s is a tag as typed (any script), %(character)s the one
            # character in it that no tag may hold ("+", "&" …); use your quotation marks.
            _l(
                "“%(tag)s” cannot be a tag: use letters, digits and hyphens, not “%(character)s”.",
                tag=_shown(raw),
                character=_shown(refused),
            ),
            "tags",
        )
    if len(name) > TAG_MAX:
        raise TagError(
            # Translators: %(tag)s is a tag as typed (any script).
            _l(
                "“%(tag)s” is too long. A tag has at most %(count)s characters.",
                tag=_shown(raw),
                count=number(TAG_MAX),
            ),
            "tags",
        )
    return name


def parse_tags(tags: str | list[str] | None) -> list[str]:
    """Distinct tag names from a comma-separated field (or a list of names), in the
    order given; refused (on the "tags" field) for a tag `check_tag` refuses, or when
    there are too many."""
    parts = split_tags(tags or "") if isinstance(tags, str | None) else list(tags)
    names: list[str] = []
    for part in parts:
        name = check_tag(part)
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_TAGS_PER_POST:
        raise TagError(_l("Use at most %(count)s tags.", count=number(MAX_TAGS_PER_POST)), "tags")
    return names


def tag_name_in_url(value: str) -> str | None:
    """The tag name a `/t/<tag>` path segment stands for, or None when no tag could
    have it."""
    name = normalize_tag(value)
    if not name or len(name) > TAG_MAX or refused_character(name) is not None:
        return None
    return name
