"""Domain errors of scheduling. Messages are shown to staff as they are, so they
name providers, locations and times but never a patient."""

from __future__ import annotations


class SchedulingError(Exception):
    """Base class: a booking rule refused the request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotUnavailableError(SchedulingError):
    """The provider already has an active appointment that overlaps."""


class OutsideWorkingHoursError(SchedulingError):
    """The time is outside the provider's working hours at that location."""


class TypeNotOfferedError(OutsideWorkingHoursError):
    """The provider does not offer that appointment type (not overridable)."""


class InvalidTransitionError(SchedulingError):
    """The appointment's status does not allow this change."""


class InvalidBookingError(SchedulingError):
    """The booking's parts do not fit together (inactive type, naive time...)."""


class FeedPermissionError(SchedulingError):
    """Only the provider or a clinic manager may manage a provider's feed."""


class InvalidPolicyError(SchedulingError):
    """A cancellation-policy value is out of range; `field` names it."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
