"""Recurring series: book one, move its future occurrences, cancel them.

Every change is all or nothing: one transaction, and the first occurrence that
cannot be booked (or moved) refuses the whole change with that occurrence
named. A conflict that appears between the preview and the save (someone else
booked the slot meanwhile) therefore saves nothing; the front desk sees the
preview again with the new conflict and can skip or move it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.patients.models import Patient
from practica.scheduling.errors import (
    InvalidBookingError,
    SchedulingError,
    SlotUnavailableError,
)
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Provider,
)
from practica.scheduling.selectors.series import (
    MAX_OCCURRENCES,
    aware_local,
    changeable_appointments,
    check_hours,
)
from practica.scheduling.services.appointments import (
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from practica.scheduling.services.rules import check_same_clinic
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)


class OccurrenceConflictError(SlotUnavailableError):
    """One occurrence of a series cannot be booked or moved; nothing was saved."""

    def __init__(self, message: str, *, index: int) -> None:
        super().__init__(message)
        self.index = index


def _named(index: int, moment: dt.datetime, tz: dt.tzinfo, message: str) -> str:
    local = moment.astimezone(tz)
    return f"Occurrence {index} ({local:%a %d %b %Y %H:%M}): {message}"


def create_series(
    *,
    actor: Actor,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    rrule: str,
    starts: Sequence[tuple[int, dt.datetime]],
) -> AppointmentSeries:
    """Save a series and book each of `starts` ((occurrence number, aware start),
    after the front desk skipped or moved conflicts) as one of its appointments.
    Raises OccurrenceConflictError naming the first that cannot be booked."""
    check_same_clinic(actor, patient, provider, location, appointment_type)
    if not starts:
        raise InvalidBookingError("Every occurrence was skipped: nothing to book.")
    if len(starts) > MAX_OCCURRENCES:
        raise InvalidBookingError(
            f"A series holds at most {MAX_OCCURRENCES} occurrences."
        )
    tz = location.tz
    ordered = sorted(starts, key=lambda pair: pair[1])
    with transaction.atomic():
        series = AppointmentSeries.objects.create(
            clinic=actor.clinic,
            patient=patient,
            provider=provider,
            location=location,
            appointment_type=appointment_type,
            rrule=rrule[:300],
            first_start_at=ordered[0][1],
        )
        for index, start_at in ordered:
            try:
                check_hours(
                    provider=provider,
                    location=location,
                    appointment_type=appointment_type,
                    start_at=start_at,
                    end_at=start_at
                    + dt.timedelta(minutes=appointment_type.duration_minutes),
                )
                book_appointment(
                    actor=actor,
                    patient=patient,
                    provider=provider,
                    location=location,
                    appointment_type=appointment_type,
                    start_at=start_at,
                    series=series,
                )
            except SchedulingError as exc:
                raise OccurrenceConflictError(
                    _named(index, start_at, tz, exc.message), index=index
                ) from exc
        record_change(
            actor=actor,
            action="create",
            obj=series,
            patient_id=patient.pk,
            detail=f"series rule={series.rrule} booked={len(ordered)}",
        )
    logger.info(
        "series.booked",
        extra={"series_id": str(series.pk), "occurrences": len(ordered)},
    )
    return series


def _from_appointment(
    series: AppointmentSeries, from_appointment: Appointment | None
) -> None:
    if from_appointment is not None and from_appointment.series_id != series.pk:
        raise InvalidBookingError("That appointment is not part of this series.")


def _targets(
    series: AppointmentSeries, from_appointment: Appointment | None
) -> list[Appointment]:
    """The occurrences to change, locked in a fixed order (by start, then id)."""
    locked = list(
        Appointment.objects.select_for_update(of=("self",))
        .filter(clinic_id=series.clinic_id, series=series)
        .select_related("location", "provider", "appointment_type")
        .order_by("start_at", "pk")
    )
    return changeable_appointments(
        locked, now=timezone.now(), from_appointment=from_appointment
    )


def reschedule_series(
    *,
    actor: Actor,
    series: AppointmentSeries,
    start_time: dt.time,
    provider: Provider,
    from_appointment: Appointment | None = None,
) -> list[Appointment]:
    """Move the future booked/confirmed occurrences (all of them, or this one
    and the following ones) to `start_time` local on their own dates, with
    `provider`. All or nothing: the first that does not fit refuses the lot."""
    check_same_clinic(actor, series, provider)
    _from_appointment(series, from_appointment)
    moved: list[Appointment] = []
    with transaction.atomic():
        targets = _targets(series, from_appointment)
        if not targets:
            raise InvalidBookingError("No future booked occurrence is left to change.")
        for index, appointment in enumerate(targets, start=1):
            tz = appointment.location.tz
            day = appointment.start_at.astimezone(tz).date()
            naive = dt.datetime.combine(
                day, start_time.replace(second=0, microsecond=0)
            )
            start_at = aware_local(naive, tz)
            if start_at is None:
                raise OccurrenceConflictError(
                    f"Occurrence {index} ({day:%a %d %b %Y}): {naive:%H:%M} does "
                    "not exist on that date (the clocks go forward).",
                    index=index,
                )
            try:
                check_hours(
                    provider=provider,
                    location=appointment.location,
                    appointment_type=appointment.appointment_type,
                    start_at=start_at,
                    end_at=start_at + (appointment.end_at - appointment.start_at),
                )
                moved.append(
                    move_appointment(
                        actor=actor,
                        appointment=appointment,
                        start_at=start_at,
                        provider=provider,
                    )
                )
            except SchedulingError as exc:
                raise OccurrenceConflictError(
                    _named(index, start_at, tz, exc.message), index=index
                ) from exc
        scope = "all" if from_appointment is None else "following"
        if from_appointment is None:
            series.provider = provider
            series.save(update_fields=["provider", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=series,
            patient_id=series.patient_id,
            detail=(
                f"series {scope} moved={len(moved)} to {start_time:%H:%M} "
                f"provider={provider.pk}"
            ),
        )
    return moved


def cancel_series(
    *,
    actor: Actor,
    series: AppointmentSeries,
    reason: str,
    from_appointment: Appointment | None = None,
) -> list[Appointment]:
    """Cancel the future booked/confirmed occurrences (all, or this one and the
    following ones); past and completed ones stay."""
    check_same_clinic(actor, series)
    _from_appointment(series, from_appointment)
    reason = reason.strip()
    if not reason:
        raise InvalidBookingError("Give a reason for the cancellation.")
    with transaction.atomic():
        targets = _targets(series, from_appointment)
        if not targets:
            raise InvalidBookingError("No future booked occurrence is left to cancel.")
        cancelled = [
            cancel_appointment(actor=actor, appointment=appointment, reason=reason)
            for appointment in targets
        ]
        scope = "all" if from_appointment is None else "following"
        record_change(
            actor=actor,
            action="cancel",
            obj=series,
            patient_id=series.patient_id,
            detail=f"series {scope} cancelled={len(cancelled)}",
        )
    return cancelled
