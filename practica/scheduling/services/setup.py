"""Set-up writes: providers, working hours and appointment types.

Rooms, availability exceptions, clinic holidays and what each provider offers
are in `availability_setup`."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.scheduling.errors import (
    InvalidBookingError,
)
from practica.scheduling.models import (
    AppointmentType,
    Provider,
    RoomKind,
    WorkingHours,
)
from practica.scheduling.services.rules import (
    check_same_clinic,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership

logger = logging.getLogger(__name__)

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


COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_BUFFER_MINUTES = 120
MAX_CAPACITY = 100
DEFAULT_TYPE_COLOUR = "#2b7a78"


def check_colour(colour: str) -> None:
    if not COLOUR_PATTERN.match(colour):
        raise InvalidBookingError("The colour must look like #1f6f8b.")


def _check_type_values(
    *,
    duration_minutes: int,
    price: Decimal,
    buffer_before_minutes: int,
    buffer_after_minutes: int,
    colour: str,
    room_kind: str,
    patient_kind: str,
    capacity: int,
) -> None:
    """The rules of a service that the database does not (all) enforce."""
    if duration_minutes <= 0:
        raise InvalidBookingError("The duration must be at least one minute.")
    if price < 0:
        raise InvalidBookingError("The price cannot be negative.")
    for buffer in (buffer_before_minutes, buffer_after_minutes):
        if not 0 <= buffer <= MAX_BUFFER_MINUTES:
            raise InvalidBookingError("A buffer must be 0 to 120 minutes.")
    check_colour(colour)
    if room_kind and room_kind not in RoomKind.values:
        raise InvalidBookingError("Choose a kind of room from the list.")
    if patient_kind not in AppointmentType.PatientKind.values:
        raise InvalidBookingError("Choose which patients may book it.")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidBookingError("The capacity must be 1 to 100 patients.")


def create_appointment_type(
    *,
    clinic: Clinic,
    name: str,
    modality: str,
    duration_minutes: int,
    price: Decimal,
    service_code: str = "",
    is_taxable: bool = False,
    buffer_before_minutes: int = 0,
    buffer_after_minutes: int = 0,
    colour: str = DEFAULT_TYPE_COLOUR,
    room_kind: str = "",
    patient_kind: str = AppointmentType.PatientKind.ANY,
    is_online_bookable: bool = False,
    capacity: int = 1,
    actor: Actor | None = None,
) -> AppointmentType:
    """A new service. Capacity above 1 makes it a group class."""
    _check_type_values(
        duration_minutes=duration_minutes,
        price=price,
        buffer_before_minutes=buffer_before_minutes,
        buffer_after_minutes=buffer_after_minutes,
        colour=colour,
        room_kind=room_kind,
        patient_kind=patient_kind,
        capacity=capacity,
    )
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
            buffer_before_minutes=buffer_before_minutes,
            buffer_after_minutes=buffer_after_minutes,
            colour=colour.lower(),
            room_kind=room_kind,
            patient_kind=patient_kind,
            is_online_bookable=is_online_bookable,
            capacity=capacity,
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
    buffer_before_minutes: int,
    buffer_after_minutes: int,
    colour: str,
    room_kind: str,
    patient_kind: str,
    is_online_bookable: bool,
    capacity: int,
) -> AppointmentType:
    """Change a service. Booked appointments keep their times and busy spans
    (they copied the buffers); invoices already issued keep their prices."""
    check_same_clinic(actor, appointment_type)
    _check_type_values(
        duration_minutes=duration_minutes,
        price=price,
        buffer_before_minutes=buffer_before_minutes,
        buffer_after_minutes=buffer_after_minutes,
        colour=colour,
        room_kind=room_kind,
        patient_kind=patient_kind,
        capacity=capacity,
    )
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
            buffer_before_minutes=buffer_before_minutes,
            buffer_after_minutes=buffer_after_minutes,
            colour=colour.lower(),
            room_kind=room_kind,
            patient_kind=patient_kind,
            is_online_bookable=is_online_bookable,
            capacity=capacity,
            updated_at=timezone.now(),
        )
        appointment_type.refresh_from_db()
        record_change(
            actor=actor, action="update", obj=appointment_type, patient_id=None
        )
    return appointment_type
