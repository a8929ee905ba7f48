"""Set-up writes: providers, working hours and appointment types."""

from __future__ import annotations

import datetime as dt
import logging
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
    check_same_clinic(actor, appointment_type)
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
