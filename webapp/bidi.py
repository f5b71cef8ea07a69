"""Direction isolation for text inside right-to-left pages."""

from __future__ import annotations

from markupsafe import Markup, escape

_MARKS = "\u200e\u200f"
# Punctuation that ends a sentence stays outside a Latin run (it belongs to the page).
_TRAILING = ".,;:!?،؛" + _MARKS
# What is not enough, alone, to make a word Latin (ASCII punctuation but "/").
_ASCII_PUNCTUATION = "!\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~"
_ARABIC_STOPS = "،؛"


def _word(word: str) -> tuple[str, str, bool, bool]:
    core = word.rstrip(_TRAILING)
    bare = core.lstrip(_MARKS)
    latin = bare.isascii() and bare.strip(_ASCII_PUNCTUATION) != ""
    tail = word[len(core) :]
    return word, core, latin, any(stop in tail for stop in _ARABIC_STOPS)


def isolate_latin_runs(text: object, direction: str) -> Markup:
    """`text` (escaped) with each run of Latin words in `<bdi dir="ltr">` on a
    right-to-left page, so "http:// or https://" and "books, sci-fi" read in order;
    an Arabic comma ends a run. Left-to-right pages get the text as it is."""
    if direction != "rtl":
        return escape(text)
    words = [_word(word) for word in str(text).split(" ")]
    pieces = []
    for index, (word, core, latin, ends) in enumerate(words):
        before = words[index - 1] if index else None
        after = words[index + 1] if index + 1 < len(words) else None
        opens = latin and (before is None or not before[2] or before[3])
        closes = latin and (after is None or not after[2] or ends)
        piece = Markup('<bdi dir="ltr">') if opens else Markup()
        if closes:
            piece += escape(core) + Markup("</bdi>") + escape(word[len(core) :])
        else:
            piece += escape(word)
        pieces.append(piece)
    return Markup(" ").join(pieces)


def isolate(text: str) -> str:
    """`text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a name inside a
    sentence that cannot hold markup (a flash message, a page title) keeps its own
    direction, so "Welcome back, alice!" keeps its "!" at the end in Persian too."""
    return f"\u2068{text}\u2069"
