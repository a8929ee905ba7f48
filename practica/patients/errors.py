"""Domain errors of the patients app. Messages never contain patient details."""

from __future__ import annotations


class PatientError(Exception):
    """Base class for patient rule violations."""


class PatientPermissionError(PatientError):
    """The acting member may not change patients."""


class InvalidPatientDataError(PatientError):
    """A value breaks a patient rule; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
