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


class CopyForwardError(ChartingError):
    """The draft has no earlier signed note of its template to copy from."""


class CosignatureError(ChartingError):
    """A co-signature breaks a rule; `field` names the form field at fault
    ("" when the note itself is at fault) and `status` the HTTP status."""

    def __init__(self, message: str, *, field: str = "", status: int = 409) -> None:
        self.field = field
        self.status = status
        super().__init__(message)

    @property
    def reason(self) -> str:
        """The message without its leading field label (a form shows it)."""
        _, _, rest = str(self).partition(": ")
        return rest or str(self)


class NotNamedSupervisorError(CosignatureError):
    """Only the supervisor named on the note at signing may co-sign it."""

    def __init__(self) -> None:
        super().__init__(
            "Only the supervisor named on this note can co-sign it.", status=403
        )


class SupervisionError(ChartingError):
    """A supervision or charting-policy setting breaks a rule; `field` names
    the form field at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)

    @property
    def reason(self) -> str:
        """The message without its leading field label (a form shows it)."""
        _, _, rest = str(self).partition(": ")
        return rest or str(self)


class InvalidTemplateError(ChartingError):
    """A note template definition breaks a rule; `errors` lists the messages,
    each naming the field at fault ("Field 3 (Pain): ...")."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(self.errors) or "The template is invalid.")


class TemplateVersionConflictError(ChartingError):
    """A new version was saved from an older one (someone saved meanwhile)."""
