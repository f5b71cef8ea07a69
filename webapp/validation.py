"""Checks that services apply to what any caller sends (a form, the API, a command).

Each check returns the cleaned value or raises DomainError naming the field; forms reuse
the same checks through `Rule`, so a page and the API refuse the same input alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from webapp.domain import DomainError
from webapp.urls import is_web_address


def web_address(value: str | None, field: str, max_length: int = 2000) -> str | None:
    """An http(s) address people can follow, or None when left empty. Anything else
    (`javascript:`, relative paths, spaces) is refused: it would be rendered as a link."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > max_length:
        raise DomainError(_l("That link is too long."), field)
    if not is_web_address(value):
        raise DomainError(_l("Enter a web address starting with http:// or https://."), field)
    return value


def bounded_text(value: str | None, field: str, max_length: int, too_long, *, required=None) -> str:
    """`value` stripped; refused with `too_long` when longer than `max_length`, and
    with `required` when empty (if given)."""
    value = (value or "").strip()
    if required is not None and not value:
        raise DomainError(required, field)
    if len(value) > max_length:
        raise DomainError(too_long, field)
    return value


ZWNJ, ZWJ = "\u200c", "\u200d"

# Letters that render blank: the Hangul fillers are letters (Lo), not format characters.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")

# Scripts whose letters join their neighbours (ZWNJ breaks such a join, as in Persian
# "می‌خواهم"): Arabic and its extensions, Syriac, N'Ko, Mongolian, Phags-pa.
_JOINING_SCRIPTS = (
    (0x0600, 0x06FF),
    (0x0700, 0x074F),
    (0x0750, 0x077F),
    (0x07C0, 0x07FF),
    (0x0860, 0x08FF),
    (0x1800, 0x18AF),
    (0xA840, 0xA87F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
)


def _is_joining_letter(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char).startswith("L") and any(
        low <= code <= high for low, high in _JOINING_SCRIPTS
    )


def _is_virama(char: str) -> bool:
    return unicodedata.combining(char) == 9


def _is_emoji(char: str) -> bool:
    # So: the emoji themselves; Sk: skin-tone modifiers; U+FE0F: emoji presentation.
    return unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f"


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest character before (step -1) or after (step 1) `index`, skipping
    combining marks (which sit on a letter and do not break a join)."""
    index += step
    while 0 <= index < len(text) and unicodedata.category(text[index]) == "Mn":
        if step == -1 and _is_virama(text[index]):
            return text[index]
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _joiner_is_meaningful(text: str, index: int) -> bool:
    """Whether the ZWNJ/ZWJ at `index` changes how the text looks (the contexts of
    RFC 5892, appendix A): after a virama (Indic conjuncts), a ZWNJ between two letters
    of a joining script (Persian), a ZWJ inside an emoji sequence. Anywhere else, for
    instance between Latin letters, it is invisible and only makes a look-alike."""
    before, after = _neighbour(text, index, -1), _neighbour(text, index, 1)
    if not before or not after:
        return False
    if _is_virama(before):
        return True
    if text[index] == ZWNJ:
        return _is_joining_letter(before) and _is_joining_letter(after)
    return _is_emoji(before) and unicodedata.category(after) == "So"


def _is_invisible(text: str, index: int) -> bool:
    char = text[index]
    if char.isspace():
        return False  # collapsed to one space afterwards
    if char in (ZWNJ, ZWJ):
        return not _joiner_is_meaningful(text, index)
    # Cf: bidi controls (U+202A-E, U+2066-9, U+200E/F, U+061C), zero-width characters
    # (U+200B, U+2060, U+FEFF), soft hyphens, tag characters; Cc: control characters.
    return unicodedata.category(char) in ("Cf", "Cc") or char in _BLANK_LETTERS


def visible_text(value: str | None) -> str:
    """A one-line name as it will be seen: NFC-normalized, without bidi controls,
    zero-width, format and control characters (a joiner stays where it joins), with
    runs of whitespace made one space and the ends trimmed."""
    text = unicodedata.normalize("NFC", value or "")
    kept = "".join(char for index, char in enumerate(text) if not _is_invisible(text, index))
    return unicodedata.normalize("NFC", " ".join(kept.split()))


def clean_name(value: str | None, field: str, max_length: int, too_long, *, required=None) -> str:
    """A name a person sets (display name, community title …) as `visible_text` makes
    it, refused when nothing visible is left of what was typed, when empty (with
    `required`, if given) or when longer than `max_length` (with `too_long`)."""
    cleaned = visible_text(value)
    if not cleaned and (value or "").strip():
        raise DomainError(_l("A name needs letters, digits or symbols you can see."), field)
    return bounded_text(cleaned, field, max_length, too_long, required=required)


class Rule:
    """A WTForms validator that runs a service check, so a form shows the same message
    beside the field before anything is submitted to the service."""

    def __init__(self, check: Callable[[str], object]):
        self.check = check

    def __call__(self, form, field) -> None:
        try:
            self.check(field.data)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None
