"""Treatment plans: the diagnoses treated, measurable goals with target dates,
the visits planned and how often, progress recorded against each goal, and
the plan's status with who changed it and when.

Nothing here is deleted. A plan is discontinued or completed (each change is
a `PlanStatusChange` row), a goal is discontinued, and a progress value
recorded by mistake is marked entered in error with a reason; every change
is also in the audit log (services.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models

from practica.outcomes.measures import MEASURE_CHOICES
from practica.tenancy.models import TenantModel, TenantQuerySet

PERMANENT_MESSAGE = "Treatment plan records are permanent: change their status."


class _PermanentQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityError(PERMANENT_MESSAGE)


class _Permanent(TenantModel):
    """A row that is never deleted, by the ORM at least."""

    objects = _PermanentQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(PERMANENT_MESSAGE)


class TreatmentPlan(_Permanent):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        DISCONTINUED = "discontinued", "Discontinued"

    class Period(models.TextChoices):
        WEEK = "week", "per week"
        MONTH = "month", "per month"

    CLOSED = (Status.COMPLETED, Status.DISCONTINUED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "scheduling.Provider", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    start_on = models.DateField("Start date")
    review_on = models.DateField("Review date", null=True, blank=True)
    planned_visits = models.PositiveSmallIntegerField("Planned visits")
    frequency_count = models.PositiveSmallIntegerField("Visits per period")
    frequency_period = models.CharField(
        "Period", max_length=10, choices=Period.choices, default=Period.WEEK
    )
    duration_weeks = models.PositiveSmallIntegerField(
        "For (weeks)", null=True, blank=True
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-start_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "status"], name="plan_patient_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__isnull=True)
                | models.Q(review_on__gte=models.F("start_on")),
                name="plan_review_after_start",
                violation_error_message=(
                    "Review date: cannot be before the start date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_visits__gte=1),
                name="plan_visits_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency_count__gte=1),
                name="plan_frequency_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment plan {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def frequency_text(self) -> str:
        """ "2 per week for 6 weeks"."""
        text = f"{self.frequency_count} {self.get_frequency_period_display()}"
        if self.duration_weeks:
            weeks = "week" if self.duration_weeks == 1 else "weeks"
            text += f" for {self.duration_weeks} {weeks}"
        return text


class PlanDiagnosis(TenantModel):
    """A problem of the patient's problem list the plan treats."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.CASCADE, related_name="diagnoses"
    )
    problem = models.ForeignKey(
        "charting.Problem", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "problem"], name="plan_diagnosis_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Diagnosis {self.pk} of {self.plan_id}"


class PlanStatusChange(_Permanent):
    """One change of a plan's status (the first row is its creation)."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=TreatmentPlan.Status.choices)
    changed_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    @property
    def from_label(self) -> str:
        """The previous status, in words (blank for the first row)."""
        statuses = dict(TreatmentPlan.Status.choices)
        return str(statuses.get(self.from_status, self.from_status)).lower()


class Goal(_Permanent):
    class Kind(models.TextChoices):
        MEASURE = "measure", "Outcome measure"
        METRIC = "metric", "Free metric"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        DISCONTINUED = "discontinued", "Discontinued"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="goals"
    )
    description = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A measure goal follows the patient's scores on an outcome measure.
    measure_code = models.CharField(
        "Measure", max_length=20, choices=MEASURE_CHOICES, blank=True
    )
    # A free-metric goal follows values recorded as GoalProgress.
    metric_name = models.CharField("Metric", max_length=120, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=8, decimal_places=2)
    target = models.DecimalField(max_digits=8, decimal_places=2)
    higher_is_better = models.BooleanField("Higher is better")
    target_on = models.DateField("Target date")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target=models.F("baseline")),
                name="goal_target_not_baseline",
                violation_error_message="Target: must differ from the baseline.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="measure")
                    & ~models.Q(measure_code="")
                    & models.Q(metric_name="")
                )
                | (
                    models.Q(kind="metric")
                    & models.Q(measure_code="")
                    & ~models.Q(metric_name="")
                ),
                name="goal_measure_or_metric",
            ),
        ]

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    @property
    def is_measure(self) -> bool:
        return self.kind == self.Kind.MEASURE


class GoalProgress(_Permanent):
    """A value of a free-metric goal on a date, often recorded in a note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    value = models.DecimalField(max_digits=8, decimal_places=2)
    recorded_on = models.DateField("Date")
    note = models.ForeignKey(
        "charting.ClinicalNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    error_reason = models.CharField(max_length=300, blank=True)
    error_marked_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["recorded_on", "created_at"]
        verbose_name_plural = "goal progress"
        indexes = [
            models.Index(
                fields=["clinic", "goal", "recorded_on"], name="goal_progress_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Progress {self.pk}"

    @property
    def is_entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None
