"""The code lists shipped with the chart: ICD-10-CM (problems) and CVX
(immunizations), read once from the tab-separated files beside this module
and searched in memory (a few hundred rows: a scan is well under a
millisecond). Sources and licences: docs/code-lists.md."""

from __future__ import annotations

import functools
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


_FILES = {CodeSystem.ICD10: "icd10cm.tsv", CodeSystem.CVX: "cvx.tsv"}


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
    codes = []
    for line in path.read_text(encoding="utf-8").splitlines():
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


def lookup(system: CodeSystem, code: str) -> Code | None:
    """The shipped code, however it was typed (case, dots, spaces), or None."""
    return _by_key(system).get(_key(code))


def search(system: CodeSystem, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Code]:
    """Codes whose code starts with the query, then codes whose title holds
    every query word as a word prefix ("low back" finds M54.50)."""
    limit = max(1, min(limit, MAX_LIMIT))
    text = query.strip()
    if not text:
        return []
    key = _key(text)
    by_code = [c for c in load(system) if key and c.key.startswith(key)]
    query_words = _words(text)
    by_words = [
        c
        for c in load(system)
        if c not in by_code
        and query_words
        and all(any(w.startswith(q) for w in c.words) for q in query_words)
    ]
    return [*by_code, *by_words][:limit]
