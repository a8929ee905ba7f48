"""Name normalisation and typo-tolerant search keys (same on every database).

A name token is lower-cased and stripped of accents ("Zoé" -> "zoe"). Its keys
are the token itself and every variant with one letter deleted; two tokens
whose key sets intersect are at most one edit apart (insertion, deletion,
substitution, or a swap of adjacent letters), so "jonh" finds "john".
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+")
# Very short tokens would match too much with one edit; they match exactly.
MIN_FUZZY_LENGTH = 4


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def token_keys(token: str) -> set[str]:
    keys = {token}
    if len(token) >= MIN_FUZZY_LENGTH:
        keys.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return keys


def name_keys(*names: str) -> set[str]:
    """All search keys for a patient's names (first, last, preferred)."""
    keys: set[str] = set()
    for name in names:
        for token in tokens(name):
            keys |= token_keys(token)
    return keys


def name_key(name: str) -> str:
    """Sort and prefix key of a name: lower-case, accent-free letters and digits.

    Punctuation and spaces are dropped ("O'Brien" -> "obrien") so that every
    database collation orders the keys the same way; a name with no Latin
    letters or digits keeps its normalised text.
    """
    return "".join(tokens(name)) or normalise(name).strip()
