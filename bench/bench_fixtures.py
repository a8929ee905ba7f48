"""Rows the benchmark needs on top of the generated clinic."""

from __future__ import annotations

import datetime
import random

from django.db.models import Max
from django.utils import timezone

from practica.charting.models import ClinicalNote, NoteTemplate
from practica.demo.notes import note_content
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AppointmentType, Provider
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import OWNER, PROVIDER
from practica.tenancy.services import add_member


def owner_provider(clinic: Clinic) -> Membership:
    """The first provider, made owner as well (a clinician who owns the clinic)."""
    provider = Provider.objects.for_clinic(clinic).order_by("pk").first()
    if provider is None:
        raise SystemExit("The bench clinic has no provider.")
    return add_member(
        clinic=clinic, user=provider.membership.user, role_keys=[OWNER, PROVIDER]
    )


def actor_for(membership: Membership) -> Actor:
    roles = list(membership.roles.all())
    return Actor(
        clinic=membership.clinic,
        user=membership.user,
        membership=membership,
        permissions=membership.permission_set(roles),
        role_keys=frozenset(r.key for r in roles),
        ip="127.0.0.1",
        user_agent="bench",
    )


def fresh_signed_notes(
    clinic: Clinic, membership: Membership, *, count: int
) -> list[ClinicalNote]:
    """`count` completed appointments with signed, not yet invoiced notes, in
    half-hour slots after the provider's last appointment (never overlapping)."""
    provider = Provider.objects.get(clinic=clinic, membership=membership)
    location = Location.objects.for_clinic(clinic).order_by("pk").first()
    service = (
        AppointmentType.objects.for_clinic(clinic)
        .filter(modality=provider.modality, is_active=True)
        .order_by("duration_minutes", "pk")
        .first()
    )
    template = (
        NoteTemplate.objects.for_clinic(clinic)
        .filter(modality=provider.modality, is_active=True)
        .order_by("-version")
        .first()
    )
    if location is None or service is None or template is None:
        raise SystemExit("The bench clinic lacks a location, service or template.")
    latest = (
        Appointment.objects.filter(provider=provider).aggregate(last=Max("end_at"))[
            "last"
        ]
        or timezone.now()
    )
    day = latest.astimezone(location.tz).date() + datetime.timedelta(days=1)
    patients = list(Patient.objects.for_clinic(clinic).order_by("pk")[:count])
    rng = random.Random(count)
    length = datetime.timedelta(minutes=service.duration_minutes)
    notes = []
    for i in range(count):
        local = datetime.datetime.combine(
            day + datetime.timedelta(days=i // 16),
            datetime.time(8),
            tzinfo=location.tz,
        ) + datetime.timedelta(minutes=30 * (i % 16))
        start = local.astimezone(datetime.UTC)
        patient = patients[i % len(patients)]
        appointment = Appointment.objects.create(
            clinic=clinic,
            location=location,
            provider=provider,
            patient=patient,
            appointment_type=service,
            start_at=start,
            end_at=start + length,
            busy_from=start - datetime.timedelta(minutes=service.buffer_before_minutes),
            busy_until=start
            + length
            + datetime.timedelta(minutes=service.buffer_after_minutes),
            status=Appointment.Status.COMPLETED,
            status_changed_at=start + length,
        )
        notes.append(
            ClinicalNote.objects.create(
                clinic=clinic,
                patient=patient,
                appointment=appointment,
                provider=provider,
                template=template,
                content=dict(note_content(template.fields, rng)),
                status=ClinicalNote.Status.SIGNED,
                signed_at=timezone.now(),
                signed_by=membership.user,
            )
        )
    return notes
