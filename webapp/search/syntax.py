"""The query syntax people know, parsed once and translated for each engine.

    words            all must match (accents and case do not matter)
    "a phrase"       the words next to each other, in order
    -word -"phrase"  must not match
    this OR that     either
The last word also matches as a prefix, so results appear while someone types.
Anything else (quotes left open, stray operators, punctuation) is ignored, never an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORD_LENGTH = 60


@dataclass
class Term:
    """One word or phrase: its words (lowercase, accents kept for the engine to fold)."""

    words: list[str]
    negated: bool = False
    prefix: bool = False


@dataclass
class ParsedQuery:
    """Groups joined by OR; the terms in a group must all match (AND)."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(any(not term.negated for term in group) for group in self.groups)


def _words(text: str) -> list[str]:
    return [word.lower()[:MAX_WORD_LENGTH] for word in _WORD.findall(text)]


def parse(raw: str) -> ParsedQuery:
    """Turn what someone typed into groups of terms; hostile input becomes no terms."""
    text = unicodedata.normalize("NFC", (raw or "").replace("\x00", " "))[:MAX_QUERY_LENGTH]
    groups: list[list[Term]] = [[]]
    count = 0
    ends_with_space = text.endswith((" ", '"'))
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if count >= MAX_TERMS:
            break
        if bare == "OR":
            if groups[-1]:
                groups.append([])
            continue
        if phrase is not None:
            words = _words(phrase)
            negated = bool(negated_phrase)
        else:
            negated = bare.startswith("-") and len(bare) > 1
            words = _words(bare[1:] if negated else bare)
        if not words:
            continue  # "e-mail" or "don't" typed as one token stays together as a phrase
        groups[-1].append(Term(words=words, negated=negated))
        count += 1
    groups = [group for group in groups if group]
    if groups and not ends_with_space:
        last = groups[-1][-1]
        if not last.negated and len(last.words) == 1 and not text.rstrip().endswith('"'):
            last.prefix = True
    return ParsedQuery(groups=groups)


def to_tsquery(query: ParsedQuery) -> str:
    """PostgreSQL `to_tsquery` text. Words are made of letters and digits only, so no
    operator can come from the input."""

    def term(t: Term) -> str:
        body = " <-> ".join(t.words)
        if len(t.words) > 1:
            body = f"({body})"
        elif t.prefix:
            body += ":*"
        return f"!{body}" if t.negated else body

    parts = []
    for group in query.groups:
        positive = [t for t in group if not t.negated]
        if not positive:
            continue
        parts.append("(" + " & ".join(term(t) for t in group) + ")")
    return " | ".join(parts)


def to_fts5(query: ParsedQuery) -> str:
    """SQLite FTS5 MATCH text; every word is quoted, so it is never an operator."""

    def positive(t: Term) -> str:
        body = '"' + " ".join(t.words) + '"'
        return body + "*" if t.prefix else body

    parts = []
    for group in query.groups:
        wanted = [positive(t) for t in group if not t.negated]
        if not wanted:
            continue
        clause = " AND ".join(wanted)
        unwanted = [positive(t) for t in group if t.negated]
        if unwanted:
            clause = f"({clause}) NOT ({' OR '.join(unwanted)})"
        parts.append(f"({clause})")
    return " OR ".join(parts)
