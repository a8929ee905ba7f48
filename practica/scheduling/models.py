"""Providers, their working hours, appointment types and appointments.

No provider holds two overlapping active appointments: on PostgreSQL an exclusion
constraint enforces it (migration 0002); on SQLite the booking service checks
inside an IMMEDIATE (write-locked, hence serialised) transaction.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.db import models

from practica.tenancy.models import Location, Membership, TenantModel


class Modality(models.TextChoices):
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    MASSAGE = "massage", "Massage therapy"
    FOOT_CARE = "foot_care", "Foot care nursing"
    OCCUPATIONAL = "occupational_therapy", "Occupational therapy"
    COUNSELLING = "counselling", "Counselling"
    FAMILY = "family_practice", "Family practice"


class Provider(TenantModel):
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="provider"
    )
    display_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=40, blank=True)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    colour = models.CharField(max_length=7, default="#1f6f8b")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class WorkingHours(TenantModel):
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="working_hours"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday")
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["provider", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")),
                name="hours_start_before_end",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="hours_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.weekday} {self.start_time}-{self.end_time}"


class AppointmentType(TenantModel):
    name = models.CharField(max_length=120)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    price = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    service_code = models.CharField(max_length=20, blank=True)
    is_taxable = models.BooleanField(
        default=False,
        help_text="Most health services are tax-exempt; products and fitness are not.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["modality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "name"], name="appointment_type_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0),
                name="type_duration_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="type_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Appointment(TenantModel):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"
        CANCELLED = "cancelled", "Cancelled"

    # Statuses that free the provider's time.
    RELEASING = (Status.CANCELLED, Status.NO_SHOW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="appointments"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    front_desk_note = models.CharField(max_length=300, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # How many times the appointment changed (moved, status, cancelled): the
    # calendar feed's SEQUENCE, so calendar apps update the event they hold.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_at__lt=models.F("end_at")),
                name="appointment_start_before_end",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic", "provider", "start_at"],
                name="appt_provider_start_idx",
            ),
            models.Index(fields=["clinic", "start_at"], name="appt_clinic_start_idx"),
            models.Index(fields=["patient", "start_at"], name="appt_patient_start_idx"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status not in self.RELEASING


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TenantModel):
    """A provider's private iCalendar subscription, authenticated by its token.

    A provider has at most one active (unrevoked) feed; replacing it revokes the
    old one so a leaked address can be shut off.
    """

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
