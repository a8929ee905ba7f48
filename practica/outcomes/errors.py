"""Domain errors of the outcomes app. Messages name measure items (labels),
never a patient's details."""

from __future__ import annotations


class OutcomesError(Exception):
    """Base class for outcome-measure rule violations."""


class OutcomePermissionError(OutcomesError):
    """The acting member lacks the chart permission this action needs."""


class UnknownMeasureError(OutcomesError):
    """No measure has this code."""


class InvalidResponseError(OutcomesError):
    """Answers or response details are invalid; `errors` maps a field name
    (an item key, "taken_on", "note" or "__all__") to messages, each naming
    the item or field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The response is invalid.")


class ResponseLockedError(OutcomesError):
    """A recorded response never changes; it can only be marked entered in
    error, once."""
