"""Keeping the timestamps generated history sets on its rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models

_TIMESTAMPED = ("created_at", "updated_at")


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the `created_at`/`updated_at` values we set.

    Generated history needs rows created when the event happened (a note three
    months ago was written three months ago) and auto_now would stamp them all
    with the time of generation. Only generator code runs inside this block.
    """
    fields: list[models.DateTimeField[datetime.datetime, datetime.datetime]] = []
    for model in model_classes:
        for name in _TIMESTAMPED:
            candidate = model._meta.get_field(name)
            if isinstance(candidate, models.DateTimeField):
                fields.append(candidate)
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
