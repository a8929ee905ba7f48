"""Domain errors of the intake app. Messages name form fields (labels),
never a patient's details."""

from __future__ import annotations


class IntakeError(Exception):
    """Base class for form and submission rule violations."""


class FormPermissionError(IntakeError):
    """The acting member lacks the permission this action needs."""


class InvalidFormError(IntakeError):
    """A form definition, a submission or a decision breaks a rule; `errors`
    maps a field name (or "__all__") to messages, each naming the field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The form is invalid.")


class FormChangedError(IntakeError):
    """The form was given a new version or retired while it was being filled."""


class SubmissionLockedError(IntakeError):
    """A submitted form never changes; it is superseded (once) by a later one,
    and each proposed chart entry is decided once."""
