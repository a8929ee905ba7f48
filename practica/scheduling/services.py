"""Writes of scheduling: booking, moving, cancelling, status changes, set-up.

No provider may hold two overlapping active appointments. The check runs inside
`transaction.atomic()`: on SQLite every atomic block is BEGIN IMMEDIATE, so
bookings are serialised and the check is enough; on PostgreSQL two checks may
pass at once, and the exclusion constraint `appointment_provider_no_overlap`
refuses the second insert, which we turn into the same `SlotUnavailableError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from practica.audit.services import record_change
from practica.patients.models import Patient
from practica.scheduling.errors import (
    FeedPermissionError,
    InvalidBookingError,
    InvalidTransitionError,
    OutsideWorkingHoursError,
    SlotUnavailableError,
)
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    CalendarFeed,
    Provider,
    WorkingHours,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import CLINIC_MANAGE

logger = logging.getLogger(__name__)

OVERLAP_CONSTRAINT = "appointment_provider_no_overlap"
WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

Status = Appointment.Status

# Which status may follow which. Completed -> arrived exists only to correct a
# mistaken completion; released statuses (cancelled, no-show) are final here.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.BOOKED: frozenset({Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED}),
    Status.ARRIVED: frozenset({Status.COMPLETED, Status.BOOKED}),
    Status.COMPLETED: frozenset({Status.ARRIVED}),
    Status.NO_SHOW: frozenset(),
    Status.CANCELLED: frozenset(),
}


# --- booking rules -----------------------------------------------------------


def _hhmm(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _check_same_clinic(actor: Actor, *objects: Model) -> None:
    for obj in objects:
        if getattr(obj, "clinic_id", None) != actor.clinic.pk:
            raise InvalidBookingError("That choice does not belong to this clinic.")


def _find_clash(
    *,
    provider: Provider,
    start_at: dt.datetime,
    end_at: dt.datetime,
    exclude_id: uuid.UUID | None = None,
) -> Appointment | None:
    clashes = (
        Appointment.objects.filter(
            clinic_id=provider.clinic_id,
            provider=provider,
            start_at__lt=end_at,
            end_at__gt=start_at,
        )
        .exclude(status__in=Appointment.RELEASING)
        .order_by("start_at")
    )
    if exclude_id is not None:
        clashes = clashes.exclude(pk=exclude_id)
    return clashes.first()


def _slot_unavailable(
    provider: Provider, clash: Appointment | None, tz: dt.tzinfo
) -> SlotUnavailableError:
    if clash is None:
        return SlotUnavailableError(
            f"{provider.display_name} was booked at that time a moment ago."
        )
    return SlotUnavailableError(
        f"{provider.display_name} is already booked from "
        f"{_hhmm(clash.start_at, tz)} to {_hhmm(clash.end_at, tz)}."
    )


def _check_free(
    *,
    provider: Provider,
    location: Location,
    start_at: dt.datetime,
    end_at: dt.datetime,
    exclude_id: uuid.UUID | None = None,
) -> None:
    clash = _find_clash(
        provider=provider, start_at=start_at, end_at=end_at, exclude_id=exclude_id
    )
    if clash is not None:
        raise _slot_unavailable(provider, clash, location.tz)


def _check_working_hours(
    *,
    provider: Provider,
    location: Location,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> None:
    tz = location.tz
    local_start = start_at.astimezone(tz)
    local_end = end_at.astimezone(tz)
    fits = (
        local_start.date() == local_end.date()
        and WorkingHours.objects.filter(
            clinic_id=provider.clinic_id,
            provider=provider,
            location=location,
            weekday=local_start.weekday(),
            start_time__lte=local_start.time(),
            end_time__gte=local_end.time(),
        ).exists()
    )
    if not fits:
        raise OutsideWorkingHoursError(
            f"{provider.display_name} does not work at {location.name} on "
            f"{WEEKDAY_NAMES[local_start.weekday()]} from "
            f"{local_start:%H:%M} to {local_end:%H:%M}."
        )


def _check_aware(start_at: dt.datetime) -> None:
    if timezone.is_naive(start_at):
        raise InvalidBookingError("The start time has no time zone.")


def _save_checked(
    appointment: Appointment, *, location: Location, update_fields: Sequence[str] = ()
) -> None:
    """Save inside a savepoint so the exclusion constraint's refusal can be
    reported as a clash instead of breaking the surrounding transaction."""
    try:
        with transaction.atomic():
            if update_fields:
                appointment.save(update_fields=[*update_fields, "updated_at"])
            else:
                appointment.save()
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        clash = _find_clash(
            provider=appointment.provider,
            start_at=appointment.start_at,
            end_at=appointment.end_at,
            exclude_id=appointment.pk,
        )
        raise _slot_unavailable(appointment.provider, clash, location.tz) from exc


# --- appointments ------------------------------------------------------------


def book_appointment(
    *,
    actor: Actor,
    patient: Patient,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    allow_outside_hours: bool = False,
    front_desk_note: str = "",
) -> Appointment:
    """Book `patient` with `provider`; the end follows from the type's duration."""
    _check_same_clinic(actor, patient, provider, location, appointment_type)
    _check_aware(start_at)
    if not provider.is_active:
        raise InvalidBookingError(f"{provider.display_name} is not taking bookings.")
    if not appointment_type.is_active:
        raise InvalidBookingError(f"{appointment_type.name} is no longer offered.")
    end_at = start_at + dt.timedelta(minutes=appointment_type.duration_minutes)
    with transaction.atomic():
        if not allow_outside_hours:
            _check_working_hours(
                provider=provider, location=location, start_at=start_at, end_at=end_at
            )
        _check_free(
            provider=provider, location=location, start_at=start_at, end_at=end_at
        )
        appointment = Appointment(
            clinic=actor.clinic,
            location=location,
            provider=provider,
            patient=patient,
            appointment_type=appointment_type,
            start_at=start_at,
            end_at=end_at,
            status=Status.BOOKED,
            status_changed_at=timezone.now(),
            front_desk_note=front_desk_note[:300],
        )
        _save_checked(appointment, location=location)
        record_change(
            actor=actor,
            action="create",
            obj=appointment,
            patient_id=patient.pk,
            detail=f"booked provider={provider.pk} outside_hours={allow_outside_hours}",
        )
    logger.info("appointment.booked", extra={"appointment_id": str(appointment.pk)})
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    """Re-read the appointment under a row lock (PostgreSQL; SQLite is serialised)."""
    return (
        Appointment.objects.select_for_update()
        .select_related("provider", "location", "appointment_type", "patient")
        .get(clinic_id=appointment.clinic_id, pk=appointment.pk)
    )


def move_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    start_at: dt.datetime,
    provider: Provider | None = None,
    allow_outside_hours: bool = False,
) -> Appointment:
    """Move a booked appointment to a new start (and optionally provider),
    keeping its length."""
    _check_same_clinic(actor, appointment)
    _check_aware(start_at)
    if provider is not None:
        _check_same_clinic(actor, provider)
        if not provider.is_active:
            raise InvalidBookingError(
                f"{provider.display_name} is not taking bookings."
            )
    with transaction.atomic():
        current = _locked(appointment)
        if current.status != Status.BOOKED:
            raise InvalidTransitionError(
                f"Only booked appointments can be moved; this one is "
                f"{current.get_status_display().lower()}."
            )
        new_provider = provider or current.provider
        end_at = start_at + (current.end_at - current.start_at)
        location = current.location
        if not allow_outside_hours:
            _check_working_hours(
                provider=new_provider,
                location=location,
                start_at=start_at,
                end_at=end_at,
            )
        _check_free(
            provider=new_provider,
            location=location,
            start_at=start_at,
            end_at=end_at,
            exclude_id=current.pk,
        )
        before = f"{current.start_at.isoformat()} provider={current.provider_id}"
        current.provider = new_provider
        current.start_at = start_at
        current.end_at = end_at
        current.sequence += 1
        _save_checked(
            current,
            location=location,
            update_fields=["provider", "start_at", "end_at", "sequence"],
        )
        record_change(
            actor=actor,
            action="update",
            obj=current,
            patient_id=current.patient_id,
            detail=f"moved from {before}",
        )
    return current


def set_status(*, actor: Actor, appointment: Appointment, status: str) -> Appointment:
    """Change the status along an allowed transition (see ALLOWED_TRANSITIONS)."""
    _check_same_clinic(actor, appointment)
    if status not in Status.values:
        raise InvalidTransitionError("That is not an appointment status.")
    with transaction.atomic():
        current = _locked(appointment)
        if status not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} appointment cannot be "
                f"marked {Status(status).label.lower()}."
            )
        previous = current.status
        current.status = status
        current.status_changed_at = timezone.now()
        current.sequence += 1
        current.save(
            update_fields=["status", "status_changed_at", "sequence", "updated_at"]
        )
        record_change(
            actor=actor,
            action="status",
            obj=current,
            patient_id=current.patient_id,
            detail=f"{previous}->{status}",
        )
    return current


def cancel_appointment(
    *, actor: Actor, appointment: Appointment, reason: str
) -> Appointment:
    """Cancel a booked appointment; its time becomes free again."""
    _check_same_clinic(actor, appointment)
    reason = reason.strip()
    if not reason:
        raise InvalidBookingError("Give a reason for the cancellation.")
    with transaction.atomic():
        current = _locked(appointment)
        if Status.CANCELLED not in ALLOWED_TRANSITIONS[current.status]:
            raise InvalidTransitionError(
                f"A {current.get_status_display().lower()} appointment cannot be "
                "cancelled."
            )
        previous = current.status
        current.status = Status.CANCELLED
        current.status_changed_at = timezone.now()
        current.cancel_reason = reason[:200]
        current.sequence += 1
        current.save(
            update_fields=[
                "status",
                "status_changed_at",
                "cancel_reason",
                "sequence",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="cancel",
            obj=current,
            patient_id=current.patient_id,
            detail=f"{previous}->cancelled",
        )
    return current


# --- calendar feeds -------------------------------------------------------------


def _check_may_manage_feed(actor: Actor, provider: Provider) -> None:
    _check_same_clinic(actor, provider)
    is_self = (
        actor.membership is not None and actor.membership.pk == provider.membership_id
    )
    if not (is_self or actor.can(CLINIC_MANAGE)):
        raise FeedPermissionError(
            "Only the provider or a clinic manager can manage a calendar feed."
        )


def create_feed(*, actor: Actor, provider: Provider) -> CalendarFeed:
    """A new private feed for `provider`; the previous active one stops working."""
    _check_may_manage_feed(actor, provider)
    with transaction.atomic():
        now = timezone.now()
        previous = list(
            CalendarFeed.objects.select_for_update().filter(
                clinic=actor.clinic, provider=provider, revoked_at__isnull=True
            )
        )
        for old in previous:
            old.revoked_at = now
            old.save(update_fields=["revoked_at", "updated_at"])
            record_change(
                actor=actor,
                action="revoke",
                obj=old,
                patient_id=None,
                detail="replaced",
            )
        feed = CalendarFeed.objects.create(clinic=actor.clinic, provider=provider)
        record_change(
            actor=actor,
            action="create",
            obj=feed,
            patient_id=None,
            detail=f"provider={provider.pk}",
        )
    logger.info("calendar_feed.created", extra={"feed_id": feed.pk})
    return feed


def revoke_feed(*, actor: Actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed working; revoking a revoked feed changes nothing."""
    _check_same_clinic(actor, feed)
    _check_may_manage_feed(actor, feed.provider)
    if feed.revoked_at is not None:
        return feed
    with transaction.atomic():
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        record_change(actor=actor, action="revoke", obj=feed, patient_id=None)
    logger.info("calendar_feed.revoked", extra={"feed_id": feed.pk})
    return feed


# --- set-up: providers, hours, appointment types -------------------------------


def _setup_actor(clinic: Clinic, actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor.system(clinic, frozenset())


def ensure_provider(
    *,
    clinic: Clinic,
    membership: Membership,
    display_name: str,
    modality: str,
    colour: str = "#1f6f8b",
    credentials: str = "",
    actor: Actor | None = None,
) -> Provider:
    """The provider record of a member, created or updated to these values."""
    if membership.clinic_id != clinic.pk:
        raise InvalidBookingError("That member does not belong to this clinic.")
    with transaction.atomic():
        provider, created = Provider.objects.update_or_create(
            membership=membership,
            defaults={
                "clinic": clinic,
                "display_name": display_name,
                "modality": modality,
                "colour": colour,
                "credentials": credentials,
                "is_active": True,
            },
        )
        record_change(
            actor=_setup_actor(clinic, actor),
            action="create" if created else "update",
            obj=provider,
            patient_id=None,
        )
    return provider


def set_working_hours(
    *,
    clinic: Clinic,
    provider: Provider,
    location: Location,
    weekday: int,
    blocks: Sequence[tuple[dt.time, dt.time]],
    actor: Actor | None = None,
) -> list[WorkingHours]:
    """Replace the provider's hours at `location` on `weekday` with `blocks`."""
    if provider.clinic_id != clinic.pk or location.clinic_id != clinic.pk:
        raise InvalidBookingError("That provider or location is not in this clinic.")
    if not 0 <= weekday <= 6:  # Monday..Sunday
        raise InvalidBookingError("The weekday must be 0 (Monday) to 6 (Sunday).")
    for start, end in blocks:
        if start >= end:
            raise InvalidBookingError("Working hours must end after they start.")
    with transaction.atomic():
        WorkingHours.objects.filter(
            clinic=clinic, provider=provider, location=location, weekday=weekday
        ).delete()
        rows = [
            WorkingHours.objects.create(
                clinic=clinic,
                provider=provider,
                location=location,
                weekday=weekday,
                start_time=start,
                end_time=end,
            )
            for start, end in sorted(blocks)
        ]
        record_change(
            actor=_setup_actor(clinic, actor),
            action="update",
            obj=provider,
            patient_id=None,
            detail=f"hours location={location.pk} weekday={weekday} n={len(rows)}",
        )
    return rows


def create_appointment_type(
    *,
    clinic: Clinic,
    name: str,
    modality: str,
    duration_minutes: int,
    price: Decimal,
    service_code: str = "",
    is_taxable: bool = False,
    actor: Actor | None = None,
) -> AppointmentType:
    if duration_minutes <= 0:
        raise InvalidBookingError("The duration must be at least one minute.")
    if price < 0:
        raise InvalidBookingError("The price cannot be negative.")
    if AppointmentType.objects.filter(clinic=clinic, name=name).exists():
        raise InvalidBookingError("Another service already has that name.")
    with transaction.atomic():
        appointment_type = AppointmentType.objects.create(
            clinic=clinic,
            name=name,
            modality=modality,
            duration_minutes=duration_minutes,
            price=price,
            service_code=service_code,
            is_taxable=is_taxable,
        )
        record_change(
            actor=_setup_actor(clinic, actor),
            action="create",
            obj=appointment_type,
            patient_id=None,
        )
    return appointment_type


def update_appointment_type(
    *,
    actor: Actor,
    appointment_type: AppointmentType,
    name: str,
    modality: str,
    duration_minutes: int,
    price: Decimal,
    service_code: str,
    is_taxable: bool,
    is_active: bool,
) -> AppointmentType:
    """Change a service. Booked appointments keep their times; invoices already
    issued keep their prices (they copied them)."""
    _check_same_clinic(actor, appointment_type)
    if duration_minutes <= 0:
        raise InvalidBookingError("The duration must be at least one minute.")
    if price < 0:
        raise InvalidBookingError("The price cannot be negative.")
    if (
        AppointmentType.objects.filter(clinic=actor.clinic, name=name)
        .exclude(pk=appointment_type.pk)
        .exists()
    ):
        raise InvalidBookingError("Another service already has that name.")
    with transaction.atomic():
        AppointmentType.objects.filter(pk=appointment_type.pk).update(
            name=name,
            modality=modality,
            duration_minutes=duration_minutes,
            price=price,
            service_code=service_code,
            is_taxable=is_taxable,
            is_active=is_active,
            updated_at=timezone.now(),
        )
        appointment_type.refresh_from_db()
        record_change(
            actor=actor, action="update", obj=appointment_type, patient_id=None
        )
    return appointment_type
