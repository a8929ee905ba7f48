"""Domain errors of the plans app. Messages name the field at fault, never a
patient's details."""

from __future__ import annotations


class PlanError(Exception):
    """Base class for treatment-plan rule violations."""


class PlanPermissionError(PlanError):
    """The acting member lacks chart.edit, or the object is another clinic's."""


class PlanInvalidError(PlanError):
    """Input breaks a rule; `errors` maps a field name (or "__all__") to
    messages, each starting with the field's label."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The input is invalid.")
