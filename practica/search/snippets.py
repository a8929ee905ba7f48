"""Snippets: the text around a match, HTML-escaped, with only our <mark>s.

PostgreSQL's `ts_headline` marks the matched words with two private-use
characters (never HTML); `to_html` escapes everything and then turns each
pair into <mark>...</mark>, so no stored text can add markup. On SQLite,
`highlight` cuts a window around the first word found and marks every word
of the query case-insensitively (the fallback has no stemming).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence

from django.utils.safestring import SafeString, mark_safe

START = "\ue000"
STOP = "\ue001"
WINDOW_WORDS = 30
_PAIR = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_MARKERS = re.compile(f"[{START}{STOP}]")
_SPACE = re.compile(r"\s+")


def to_html(marked: str) -> SafeString:
    """Escape `marked` and turn its marker pairs into <mark> elements;
    a stray marker is dropped."""
    text = _SPACE.sub(" ", marked).strip()
    escaped = html.escape(text, quote=True)
    with_marks = _PAIR.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(
        _MARKERS.sub("", with_marks)
    )  # escaped above; only our <mark> added


def is_marked(marked: str) -> bool:
    return bool(_PAIR.search(marked))


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})", re.IGNORECASE)


def highlight(text: str, words: Sequence[str], *, whole: bool = False) -> str:
    """`text` (or a window of it around the first match) with the words of
    the query wrapped in markers, for `to_html`."""
    clean = _SPACE.sub(" ", _MARKERS.sub("", text)).strip()
    if not words or not clean:
        return clean
    pattern = _word_pattern(words)
    if not whole:
        clean = _window(clean, pattern)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", clean)


def _window(text: str, pattern: re.Pattern[str]) -> str:
    tokens = text.split(" ")
    if len(tokens) <= WINDOW_WORDS:
        return text
    first = next((i for i, t in enumerate(tokens) if pattern.search(t)), 0)
    start = max(0, first - WINDOW_WORDS // 3)
    end = min(len(tokens), start + WINDOW_WORDS)
    window = " ".join(tokens[start:end])
    return f"{'… ' if start else ''}{window}{' …' if end < len(tokens) else ''}"


def string_values(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a note's content JSON with the top-level key it sits
    under, depth first (tables and checklists are nested)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from string_values(inner, path or str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from string_values(inner, path)


def load_json(value: object) -> object:
    """The JSON PostgreSQL returned (as text or already decoded)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
