"""Providers, their availability, rooms, appointment types and appointments.

No provider and no room holds two overlapping active appointments. An
appointment occupies its provider (and room) over `busy_from`..`busy_until`: its
own time widened by its type's buffers. On PostgreSQL exclusion constraints over
that span enforce it (migration 0006); on SQLite the booking services check
inside an IMMEDIATE (write-locked, hence serialised) transaction.

Availability of a provider on a day at a location = their weekly working hours
(several blocks a day; the gaps are breaks), minus clinic holidays and
unavailable exceptions (vacation, sick day), plus extra shifts. The engine in
`selectors.availability` is the one place that computes it.
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


class RoomKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment room"
    EXAM = "exam", "Exam room"
    COUNSELLING = "counselling", "Counselling room"
    GYM = "gym", "Gym"
    STUDIO = "studio", "Group studio"
    EQUIPMENT = "equipment", "Equipment"


class Room(TenantModel):
    """A treatment room, gym or piece of equipment at a location: booked like a
    provider, never twice at once."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=RoomKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "location", "name"], name="room_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Provider(TenantModel):
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="provider"
    )
    display_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=40, blank=True)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    colour = models.CharField(max_length=7, default="#1f6f8b")
    is_active = models.BooleanField(default=True)
    # The appointment types this provider offers. None listed = every type.
    offered_types: models.ManyToManyField[AppointmentType, models.Model] = (
        models.ManyToManyField("AppointmentType", blank=True, related_name="+")
    )

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


class AvailabilityException(TenantModel):
    """A date-specific change to a provider's week: time off, or an extra shift.

    No times = the whole day(s). An extra shift needs a location and times.
    """

    class Kind(models.TextChoices):
        VACATION = "vacation", "Vacation"
        SICK = "sick", "Sick day"
        UNAVAILABLE = "unavailable", "Unavailable"
        EXTRA_SHIFT = "extra_shift", "Extra shift"

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="exceptions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="exception_starts_before_ends",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(start_time__isnull=True, end_time__isnull=True)
                    | models.Q(start_time__lt=models.F("end_time"))
                ),
                name="exception_times_both_and_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="extra_shift")
                | models.Q(location__isnull=False, start_time__isnull=False),
                name="extra_shift_has_place_and_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic", "provider", "ends_on"], name="exception_provider_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_on}..{self.ends_on}"

    @property
    def is_extra_shift(self) -> bool:
        return self.kind == self.Kind.EXTRA_SHIFT


class ClinicHoliday(TenantModel):
    """A day the clinic (or one location) is closed: nobody is bookable."""

    name = models.CharField(max_length=80)
    on = models.DateField()
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty = every location.",
    )

    class Meta:
        ordering = ["on"]
        indexes = [models.Index(fields=["clinic", "on"], name="holiday_clinic_on_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.on}"


class SchedulingPolicy(TenantModel):
    """The clinic's cancellation rules: inside the window a cancellation is
    late; late cancellations and no-shows may carry a fee."""

    cancellation_window_hours = models.PositiveSmallIntegerField(default=24)
    late_cancel_fee = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    no_show_fee = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic"], name="one_policy_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(late_cancel_fee__gte=0, no_show_fee__gte=0),
                name="policy_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy {self.clinic_id}"


class AppointmentType(TenantModel):
    class PatientKind(models.TextChoices):
        ANY = "any", "Any patient"
        NEW = "new", "New patients only"
        RETURNING = "returning", "Returning patients only"

    name = models.CharField(max_length=120)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(max_length=7, default="#2b7a78")
    room_kind = models.CharField(
        max_length=20,
        choices=RoomKind.choices,
        blank=True,
        help_text="Empty = needs no room.",
    )
    patient_kind = models.CharField(
        max_length=10, choices=PatientKind.choices, default=PatientKind.ANY
    )
    is_online_bookable = models.BooleanField(default=False)
    # 1 = one patient; more = a group class with a roster (Attendance).
    capacity = models.PositiveSmallIntegerField(default=1)
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
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="type_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    buffer_before_minutes__lte=120, buffer_after_minutes__lte=120
                ),
                name="type_buffers_at_most_two_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.capacity > 1


# The longest an appointment may last, and so how far before a window an
# overlapping appointment can start: it bounds every range query on start_at.
MAX_APPOINTMENT_MINUTES = 12 * 60
MAX_BUSY_MINUTES = MAX_APPOINTMENT_MINUTES + 2 * 120


class AttendanceStatus(models.TextChoices):
    """Statuses of one visit: an appointment's, or one attendee's of a class."""

    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    ARRIVED = "arrived", "Arrived"
    IN_SESSION = "in_session", "In session"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLED = "late_cancelled", "Late-cancelled"


class AppointmentSeries(TenantModel):
    """A recurring booking: the rule (RFC 5545 RRULE, built with dateutil) and
    the local wall-clock start it repeats at. Its occurrences are Appointments."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        "AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    rrule = models.CharField(max_length=300)
    first_start_at = models.DateTimeField()

    class Meta:
        ordering = ["first_start_at"]

    def __str__(self) -> str:
        return f"Series {self.pk}"


class Appointment(TenantModel):
    Status = AttendanceStatus

    # Statuses that free the provider's (and room's) time.
    RELEASING = (Status.CANCELLED, Status.LATE_CANCELLED, Status.NO_SHOW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="appointments"
    )
    # Empty only for a group class, whose patients are its Attendance rows.
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    is_group = models.BooleanField(default=False)
    capacity = models.PositiveSmallIntegerField(default=1)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    # The span the provider and room are held: start/end widened by the type's
    # buffers (copied at booking, so later changes to the type do not move it).
    busy_from = models.DateTimeField()
    busy_until = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.BOOKED
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
            models.CheckConstraint(
                condition=models.Q(
                    busy_from__lte=models.F("start_at"),
                    busy_until__gte=models.F("end_at"),
                ),
                name="appointment_busy_covers_visit",
            ),
            models.CheckConstraint(
                condition=models.Q(is_group=True, patient__isnull=True)
                | models.Q(is_group=False, patient__isnull=False),
                name="appointment_patient_unless_group",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic", "provider", "start_at"],
                name="appt_provider_start_idx",
            ),
            models.Index(fields=["clinic", "start_at"], name="appt_clinic_start_idx"),
            models.Index(fields=["patient", "start_at"], name="appt_patient_start_idx"),
            models.Index(
                fields=["clinic", "room", "busy_from"], name="appt_room_busy_idx"
            ),
            # Busy-span range reads across providers and rooms (availability,
            # the board's events): see bench/RESULTS.md.
            models.Index(fields=["clinic", "busy_from"], name="appt_clinic_busy_idx"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status not in self.RELEASING


class StatusChange(TenantModel):
    """Who changed an appointment's (or an attendee's) status, and when."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="status_changes"
    )
    attendance = models.ForeignKey(
        "Attendance",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    changed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status}"


class Attendance(TenantModel):
    """One patient on a group class's roster, with their own status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="attendances"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(
        max_length=16,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.BOOKED,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "patient"], name="attendance_once_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class WaitlistEntry(TenantModel):
    """A patient waiting for an earlier slot, with what would suit them."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked"
        REMOVED = "removed", "Removed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # None listed = any provider who offers the type.
    providers = models.ManyToManyField(Provider, blank=True, related_name="+")
    # Weekday numbers (0 = Monday); empty = any day.
    weekdays = models.JSONField(default=list, blank=True)
    earliest_time = models.TimeField(null=True, blank=True)
    latest_time = models.TimeField(null=True, blank=True)
    wait_from = models.DateField()
    wait_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.WAITING
    )
    booked_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["clinic", "state"], name="waitlist_state_idx")]

    def __str__(self) -> str:
        return f"Waitlist {self.pk}"


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
