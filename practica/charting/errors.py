"""Domain errors of the charting app. Messages name template fields (labels),
never a patient's details."""

from __future__ import annotations

from collections.abc import Sequence


class ChartingError(Exception):
    """Base class for charting rule violations."""


class ChartPermissionError(ChartingError):
    """The acting member lacks the chart permission this action needs."""


class NoteLockedError(ChartingError):
    """The note is signed: it can no longer change; add an addendum instead."""

    def __init__(self) -> None:
        super().__init__("This note is signed and locked. Add an addendum instead.")


class NoteNotSignedError(ChartingError):
    """Addenda belong to signed notes only; a draft is simply edited."""

    def __init__(self) -> None:
        super().__init__("Addenda can only be added to a signed note.")


class NoTemplateError(ChartingError):
    """No active note template fits the appointment's modality."""


class AppointmentNotChartableError(ChartingError):
    """The appointment cannot carry a note (cancelled, no-show, other clinic)."""


class InvalidNoteContentError(ChartingError):
    """Content does not fit the note's template; `errors` maps field name to
    messages, each naming the field label."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The note content is invalid.")


class MissingRequiredFieldsError(ChartingError):
    """A note cannot be signed while required template fields are empty."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        super().__init__("Complete before signing: " + ", ".join(self.labels) + ".")


class InvalidAddendumError(ChartingError):
    """The addendum text is empty or too long."""


class ChartEntryInvalidError(ChartingError):
    """A problem, allergy, medication, immunization, vital signs or history
    entry breaks a rule; `errors` maps field name (or "__all__") to messages,
    each naming the field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        messages = [m for field_messages in errors.values() for m in field_messages]
        super().__init__(" ".join(messages) or "The chart entry is invalid.")
