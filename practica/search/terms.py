"""What a search asks for: the validated query text and its words.

PostgreSQL reads the text with `websearch_to_tsquery` (words, "quoted
phrases", `or`, `-excluded`); the SQLite fallback and the highlighter use the
plain words (letters and digits), every one of which must appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from practica.search.errors import InvalidSearchError

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_WORDS = 12
_WORD = re.compile(r"\w+")
# Control characters (NUL would make PostgreSQL refuse the query) are spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# websearch_to_tsquery's operators are not words to find.
_OPERATORS = frozenset({"or"})


@dataclass(frozen=True)
class Terms:
    text: str
    words: tuple[str, ...]


def parse_terms(raw: str) -> Terms:
    """The query as searched, or InvalidSearchError saying why not."""
    text = " ".join(_CONTROL.sub(" ", raw).split())
    if not text:
        raise InvalidSearchError("Search: enter a word to search for.")
    if len(text) > MAX_LENGTH:
        raise InvalidSearchError(
            f"Search: use at most {MAX_LENGTH} characters (this has {len(text)})."
        )
    words = tuple(
        dict.fromkeys(
            w.casefold() for w in _WORD.findall(text) if w.casefold() not in _OPERATORS
        )
    )
    if not words or max(len(w) for w in words) < MIN_LENGTH:
        raise InvalidSearchError(
            f"Search: enter a word of at least {MIN_LENGTH} letters or digits."
        )
    if len(words) > MAX_WORDS:
        raise InvalidSearchError(f"Search: use at most {MAX_WORDS} words.")
    return Terms(text=text, words=words)
