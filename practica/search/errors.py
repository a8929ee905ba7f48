"""Domain errors of search."""

from __future__ import annotations


class InvalidSearchError(ValueError):
    """A query that cannot be searched; the message names the field."""
