"""What every scheduling view shares: htmx detection and how a refusal is shown."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from practica.scheduling.errors import (
    OutsideWorkingHoursError,
    SchedulingError,
    SlotUnavailableError,
    TypeNotOfferedError,
)

CONFLICT = 409
INVALID = 422


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def error_status(error: SchedulingError) -> int:
    return CONFLICT if isinstance(error, SlotUnavailableError) else INVALID


def report_refusal(form: forms.Form, error: SchedulingError) -> str:
    """Show a refused booking: outside hours on its checkbox (so the person
    sees how to override), anything else (a type the provider does not offer
    cannot be overridden) at the top of the form."""
    if isinstance(error, OutsideWorkingHoursError) and not isinstance(
        error, TypeNotOfferedError
    ):
        form.add_error("allow_outside_hours", error.message)
        return ""
    return error.message
