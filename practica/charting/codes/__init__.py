"""The code lists shipped with the chart: ICD-10-CM (problems, every billable
code of the CMS release, gzipped) and CVX (immunizations), read once from the
tab-separated files beside this module and searched in memory. Sources,
licences and search timings: docs/code-lists.md."""

from __future__ import annotations

import bisect
import functools
import gzip
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
_WORD = re.compile(r"[a-z0-9]+")


class CodeSystem(StrEnum):
    ICD10 = "icd10"
    CVX = "cvx"


_FILES = {CodeSystem.ICD10: "icd10cm.tsv.gz", CodeSystem.CVX: "cvx.tsv"}


@dataclass(frozen=True)
class Code:
    code: str
    display: str
    key: str  # the code without punctuation, upper case
    words: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.code} {self.display}"


def _key(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@functools.cache
def load(system: CodeSystem) -> tuple[Code, ...]:
    """Every code of a system, in file order (sorted by code)."""
    path = Path(__file__).with_name(_FILES[system])
    if path.suffix == ".gz":
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    codes = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, display = line.split("\t", 1)
        codes.append(
            Code(code=code, display=display, key=_key(code), words=_words(display))
        )
    return tuple(codes)


@functools.cache
def _by_key(system: CodeSystem) -> dict[str, Code]:
    return {code.key: code for code in load(system)}


@dataclass(frozen=True)
class _Index:
    """Sorted code keys and a sorted vocabulary of title words with, for each
    word, the positions of the codes whose title holds it: a prefix is a
    bisect away, so a search costs the matches, not the list's length."""

    keys: tuple[str, ...]
    vocabulary: tuple[str, ...]
    postings: tuple[frozenset[int], ...]


@functools.cache
def _index(system: CodeSystem) -> _Index:
    codes = load(system)
    postings: dict[str, set[int]] = {}
    for position, code in enumerate(codes):
        for word in code.words:
            postings.setdefault(word, set()).add(position)
    vocabulary = tuple(sorted(postings))
    return _Index(
        keys=tuple(sorted(c.key for c in codes)),
        vocabulary=vocabulary,
        postings=tuple(frozenset(postings[w]) for w in vocabulary),
    )


def _prefix_range(items: tuple[str, ...], prefix: str) -> range:
    start = bisect.bisect_left(items, prefix)
    stop = bisect.bisect_left(items, prefix + "\uffff")
    return range(start, stop)


def lookup(system: CodeSystem, code: str) -> Code | None:
    """The shipped code, however it was typed (case, dots, spaces), or None."""
    return _by_key(system).get(_key(code))


def search(system: CodeSystem, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Code]:
    """Codes whose code starts with the query (in code order), then codes whose
    title holds every query word as a word prefix, shortest titles first ("low
    back" finds M54.50 "Low back pain, unspecified" before the pressure ulcers
    of the lower back)."""
    limit = max(1, min(limit, MAX_LIMIT))
    text = query.strip()
    if not text:
        return []
    index = _index(system)
    by_key = _by_key(system)
    key = _key(text)
    found: list[Code] = []
    if key:
        keys = index.keys
        for position in _prefix_range(keys, key)[:limit]:
            found.append(by_key[keys[position]])
    query_words = _words(text)
    if not query_words or len(found) >= limit:
        return found
    matches: set[int] | None = None
    for word in sorted(set(query_words), key=len, reverse=True):
        holders: set[int] = set()
        for position in _prefix_range(index.vocabulary, word):
            holders |= index.postings[position]
        matches = holders if matches is None else matches & holders
        if not matches:
            return found
    assert matches is not None
    codes = load(system)
    seen = {c.key for c in found}
    ranked = sorted(matches, key=lambda p: (len(codes[p].words), p))
    for position in ranked:
        if len(found) >= limit:
            break
        if codes[position].key not in seen:
            found.append(codes[position])
    return found
