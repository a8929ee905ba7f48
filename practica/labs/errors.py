"""Domain errors of the labs app. Messages name the field at fault, never a
patient's details."""

from __future__ import annotations


class LabsError(Exception):
    """Base class for lab-result rule violations."""


class LabPermissionError(LabsError):
    """The acting member lacks chart.edit, or the object is another clinic's."""


class LabResultInvalidError(LabsError):
    """The result is invalid; `errors` maps a field name (or "__all__") to
    messages, each starting with the field's label."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The lab result is invalid.")


class LabResultLockedError(LabsError):
    """A result marked entered in error takes no further change."""
