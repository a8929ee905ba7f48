"""Clinical notes. A signed note never changes: the services refuse it and a
database trigger (migration 0002) refuses any UPDATE or DELETE of a signed
note from any path. Corrections are signed addenda shown below the note."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models

from practica.tenancy.models import TenantModel, TenantQuerySet

SIGNED_NOTE_DELETE_MESSAGE = "Signed notes are permanent and cannot be deleted."
ADDENDUM_DELETE_MESSAGE = "Addenda are permanent and cannot be deleted."


class NoteTemplate(TenantModel):
    """A versioned SOAP template. `fields` is a list of
    {"name", "label", "section" (S/O/A/P), "type" (text|textarea|number|choice|scale),
    "choices" (for choice), "required"}."""

    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=120)
    modality = models.CharField(max_length=30)
    fields = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "version"], name="note_template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ClinicalNoteQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        # The PostgreSQL trigger refuses this too; SQLite's trigger leaves DELETE
        # open for the test runner's flush, so the ORM path is closed here.
        if self.filter(status=ClinicalNote.Status.SIGNED).exists():
            raise IntegrityError(SIGNED_NOTE_DELETE_MESSAGE)
        return super().delete()


class ClinicalNote(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="notes"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="note",
    )
    provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="notes"
    )
    template = models.ForeignKey(
        NoteTemplate, on_delete=models.PROTECT, related_name="notes"
    )
    content = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The supervising provider whose co-signature the note awaits, named in the
    # same UPDATE that signs it (the signed row never changes afterwards; the
    # co-signature is its own row, NoteCosignature). Null: none required.
    cosigner = models.ForeignKey(
        "scheduling.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ClinicalNoteQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "created_at"], name="note_patient_idx"
            ),
            models.Index(
                fields=["clinic", "provider", "status"], name="note_provider_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Checked against the stored row, not this instance's possibly stale status.
        if ClinicalNote.objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise IntegrityError(SIGNED_NOTE_DELETE_MESSAGE)
        return super().delete(*args, **kwargs)


class NoteAddendumQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityError(ADDENDUM_DELETE_MESSAGE)


class NoteAddendum(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.ForeignKey(
        ClinicalNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    signed_at = models.DateTimeField()

    objects = NoteAddendumQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"Addendum {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(ADDENDUM_DELETE_MESSAGE)


# --- The chart's clinical lists ----------------------------------------------
# Problems, allergies, medications, immunizations, vital signs and history.
# A row is never deleted: a mistake is marked "entered in error" with a reason,
# and every change is in the audit log (services_chart.py).

CHART_ENTRY_DELETE_MESSAGE = (
    "Chart entries are permanent: mark them entered in error instead."
)
ENTERED_IN_ERROR = "entered_in_error"


class ChartEntryQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityError(CHART_ENTRY_DELETE_MESSAGE)


class ChartEntry(TenantModel):
    """Columns shared by every clinical list row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Each list narrows the choices; the column is the same everywhere.
    status = models.CharField(max_length=20)
    status_reason = models.CharField(max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = ChartEntryQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(CHART_ENTRY_DELETE_MESSAGE)


class Problem(ChartEntry):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"
        INACTIVE = "inactive", "Inactive"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    code = models.CharField("ICD-10 code", max_length=8)
    display = models.CharField("Diagnosis", max_length=250)
    onset_on = models.DateField("Onset", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "status"], name="problem_patient_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Problem {self.pk}"


class Allergy(ChartEntry):
    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"
        LIFE_THREATENING = "life_threatening", "Life-threatening"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=250, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    noted_on = models.DateField("Noted on", null=True, blank=True)

    class Meta:
        ordering = ["substance"]
        verbose_name_plural = "allergies"
        indexes = [
            models.Index(
                fields=["clinic", "patient", "status"], name="allergy_patient_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Allergy {self.pk}"

    @property
    def is_severe(self) -> bool:
        return self.severity in (self.Severity.SEVERE, self.Severity.LIFE_THREATENING)


class Medication(ChartEntry):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        STOPPED = "stopped", "Stopped"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    name = models.CharField(max_length=150)
    dose = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=40, blank=True)
    frequency = models.CharField(max_length=60, blank=True)
    start_on = models.DateField("Start", null=True, blank=True)
    stop_on = models.DateField("Stop", null=True, blank=True)
    prescriber = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "status"], name="medication_patient_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stop_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(stop_on__gte=models.F("start_on")),
                name="medication_stop_after_start",
                violation_error_message="Stop: the stop date is before the start date.",
            )
        ]

    def __str__(self) -> str:
        return f"Medication {self.pk}"


class Immunization(ChartEntry):
    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    code = models.CharField("CVX code", max_length=4)
    display = models.CharField("Vaccine", max_length=250)
    given_on = models.DateField("Given on")
    lot = models.CharField("Lot", max_length=40, blank=True)
    site = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.COMPLETED
    )

    class Meta:
        ordering = ["-given_on"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "given_on"],
                name="immunization_patient_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Immunization {self.pk}"


def _range(low: int | str, high: int | str) -> list[Any]:
    """Validators for a plausible range (strings are decimals); a value
    outside it is a typing slip."""

    def num(value: int | str) -> int | Decimal:
        return Decimal(value) if isinstance(value, str) else value

    return [MinValueValidator(num(low)), MaxValueValidator(num(high))]


class VitalSigns(ChartEntry):
    class Status(models.TextChoices):
        FINAL = "final", "Final"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    taken_at = models.DateTimeField("Taken at")
    systolic = models.PositiveSmallIntegerField(
        "Systolic BP", null=True, blank=True, validators=_range(50, 260)
    )
    diastolic = models.PositiveSmallIntegerField(
        "Diastolic BP", null=True, blank=True, validators=_range(20, 180)
    )
    pulse = models.PositiveSmallIntegerField(
        "Pulse", null=True, blank=True, validators=_range(20, 250)
    )
    temperature_c = models.DecimalField(
        "Temperature (°C)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range("30.0", "45.0"),
    )
    respiratory_rate = models.PositiveSmallIntegerField(
        "Respiratory rate", null=True, blank=True, validators=_range(4, 80)
    )
    spo2 = models.PositiveSmallIntegerField(
        "SpO2 (%)", null=True, blank=True, validators=_range(50, 100)
    )
    height_cm = models.DecimalField(
        "Height (cm)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range("30.0", "250.0"),
    )
    weight_kg = models.DecimalField(
        "Weight (kg)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range("0.5", "400.0"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.FINAL
    )

    class Meta:
        ordering = ["-taken_at"]
        verbose_name_plural = "vital signs"
        indexes = [
            models.Index(
                fields=["clinic", "patient", "taken_at"], name="vitals_patient_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(systolic__isnull=True)
                | models.Q(diastolic__isnull=True)
                | models.Q(systolic__gt=models.F("diastolic")),
                name="vitals_systolic_above_diastolic",
                violation_error_message=(
                    "Systolic BP: must be above the diastolic pressure."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Vital signs {self.pk}"

    @property
    def bmi(self) -> Decimal | None:
        """Body-mass index from this row's height and weight, one decimal."""
        if not self.height_cm or not self.weight_kg:
            return None
        metres = self.height_cm / 100
        return (self.weight_kg / (metres * metres)).quantize(Decimal("0.1"))


class MedicalHistory(ChartEntry):
    class Kind(models.TextChoices):
        PAST_CONDITION = "past_condition", "Past condition"
        SURGERY = "surgery", "Surgery"
        FAMILY = "family", "Family history"
        SOCIAL = "social", "Social history"

    class Status(models.TextChoices):
        ACTIVE = "active", "Current"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    occurred_on = models.DateField("Date", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["kind", "-occurred_on"]
        verbose_name_plural = "medical history entries"
        indexes = [
            models.Index(fields=["clinic", "patient"], name="history_patient_idx")
        ]

    def __str__(self) -> str:
        return f"History entry {self.pk}"


class AlertCategory(models.TextChoices):
    FALL_RISK = "fall_risk", "Fall risk"
    INFECTION_CONTROL = "infection_control", "Infection control"
    BLEEDING_RISK = "bleeding_risk", "Bleeding risk / anticoagulated"
    SELF_HARM_RISK = "self_harm_risk", "Suicide or self-harm risk"
    VIOLENCE_RISK = "violence_risk", "Violence or safety risk"
    INTERPRETER = "interpreter", "Interpreter needed"
    SENSORY = "sensory", "Hearing or vision impaired"
    COGNITIVE = "cognitive", "Cognitive impairment / substitute decision-maker"
    LATEX_FREE = "latex_free", "Latex-free room"
    MOBILITY_AID = "mobility_aid", "Wheelchair or mobility aid"
    CHAPERONE = "chaperone", "Chaperone requested"
    OTHER = "other", "Other"


def _group(name: str, *members: AlertCategory) -> tuple[str, list[tuple[str, str]]]:
    return name, [(m.value, m.label) for m in members]


# The categories grouped as the add form offers them.
ALERT_CATEGORY_GROUPS = [
    _group(
        "Clinical risk",
        AlertCategory.FALL_RISK,
        AlertCategory.INFECTION_CONTROL,
        AlertCategory.BLEEDING_RISK,
        AlertCategory.SELF_HARM_RISK,
        AlertCategory.VIOLENCE_RISK,
    ),
    _group(
        "Communication",
        AlertCategory.INTERPRETER,
        AlertCategory.SENSORY,
        AlertCategory.COGNITIVE,
    ),
    _group(
        "Care",
        AlertCategory.LATEX_FREE,
        AlertCategory.MOBILITY_AID,
        AlertCategory.CHAPERONE,
    ),
    _group("Other", AlertCategory.OTHER),
]
# "Other" says what it is; an interpreter alert names the language.
ALERT_CATEGORIES_NEEDING_TEXT = (AlertCategory.OTHER, AlertCategory.INTERPRETER)


class ChartAlert(ChartEntry):
    """A flag on the chart that staff must see before treating: a clinical
    risk, a communication need or a care arrangement. Active, unexpired
    alerts show in the chart banner, critical first."""

    Category = AlertCategory

    class Severity(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        ENTERED_IN_ERROR = ENTERED_IN_ERROR, "Entered in error"

    category = models.CharField(max_length=30, choices=ALERT_CATEGORY_GROUPS)
    # The language for an interpreter, what "other" is, or any detail.
    text = models.CharField("Details", max_length=200, blank=True)
    severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    expires_on = models.DateField("Expires on", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "status"], name="alert_patient_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category__in=ALERT_CATEGORIES_NEEDING_TEXT)
                | ~models.Q(text=""),
                name="alert_text_when_needed",
                violation_error_message=(
                    "Details: name the language for an interpreter, "
                    "or what an other alert is about."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Chart alert {self.pk}"

    def clean(self) -> None:
        # The constraint above, keyed to the field so the form shows it there.
        if self.category in ALERT_CATEGORIES_NEEDING_TEXT and not self.text.strip():
            message = (
                "Name the language the interpreter is needed for."
                if self.category == AlertCategory.INTERPRETER
                else "Say what the alert is about."
            )
            raise ValidationError({"text": message})

    @property
    def severity_rank(self) -> int:
        """0 for critical, 1 for warning, 2 for info: the banner's order."""
        order = [self.Severity.CRITICAL, self.Severity.WARNING, self.Severity.INFO]
        return order.index(self.Severity(self.severity))

    def is_shown_on(self, day: datetime.date) -> bool:
        """Active and not expired on `day` (it shows through its expiry day)."""
        return self.status == self.Status.ACTIVE and (
            self.expires_on is None or self.expires_on >= day
        )


# --- Supervision, co-signature and the charting policy -------------------------
# A supervised provider's signed note awaits the co-signature of the supervisor
# named at signing (ClinicalNote.cosigner). The co-signature is its own row and
# never changes: services refuse it and migration 0004's triggers refuse any
# UPDATE or DELETE of it on both databases.

COSIGNATURE_DELETE_MESSAGE = "Co-signatures are permanent and cannot be deleted."


class Supervision(TenantModel):
    """A provider (student, resident, provisional licence) whose signed notes
    need a supervisor's co-signature. Ended, never deleted."""

    class Kind(models.TextChoices):
        STUDENT = "student", "Student"
        RESIDENT = "resident", "Resident"
        PROVISIONAL = "provisional", "Provisional licence"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supervisee = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "supervisee"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_supervision_per_provider",
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisee=models.F("supervisor")),
                name="supervision_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class NoteCosignatureQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityError(COSIGNATURE_DELETE_MESSAGE)


class NoteCosignature(TenantModel):
    """The supervisor's co-signature of a signed note: one per note, immutable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.OneToOneField(
        ClinicalNote, on_delete=models.PROTECT, related_name="cosignature"
    )
    supervisor = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    signed_at = models.DateTimeField()

    objects = NoteCosignatureQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"Co-signature {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(COSIGNATURE_DELETE_MESSAGE)


class ChartingPolicy(TenantModel):
    """The clinic's charting rules. Drafts whose visit is more than
    `unsigned_note_days` days old are flagged overdue (0 turns the flag off)."""

    unsigned_note_days = models.PositiveSmallIntegerField(
        "Flag unsigned notes after (days)",
        default=3,
        validators=[MaxValueValidator(90)],
    )

    class Meta:
        verbose_name_plural = "charting policies"
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], name="one_charting_policy_per_clinic"
            ),
            models.CheckConstraint(
                condition=models.Q(unsigned_note_days__lte=90),
                name="charting_policy_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Charting policy {self.clinic_id}"
