"""Posting answers in tests: a QueryDict like the fill page's POST."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

from django.http import QueryDict


def posted(answers: Mapping[str, str | Sequence[str]], prefix: str = "f-") -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in answers.items():
        if isinstance(value, str):
            data[prefix + name] = value
        else:
            data.setlist(prefix + name, list(value))
    return data


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
