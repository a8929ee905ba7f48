"""Lab and test results.

A result is never deleted and its reading never edited: a mistake is marked
entered in error, with a reason, by whom and when (the only change a stored
result takes), and it leaves the latest values and the trend while staying
readable. Every write is in the audit log (services.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models

from practica.labs.units import display_unit
from practica.tenancy.models import TenantModel, TenantQuerySet

LAB_RESULT_DELETE_MESSAGE = (
    "Lab results are permanent: mark them entered in error instead."
)


class LabResultQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityError(LAB_RESULT_DELETE_MESSAGE)


class Flag(models.TextChoices):
    """Abnormal flags, as HL7 v2 table 0078 spells them."""

    NORMAL = "N", "Normal"
    LOW = "L", "Low"
    HIGH = "H", "High"
    CRITICAL_LOW = "LL", "Critically low"
    CRITICAL_HIGH = "HH", "Critically high"
    ABNORMAL = "A", "Abnormal"


ABNORMAL_FLAGS = frozenset(
    {Flag.LOW, Flag.HIGH, Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH, Flag.ABNORMAL}
)


class Comparator(models.TextChoices):
    NONE = "", "="
    LESS = "<", "<"
    LESS_OR_EQUAL = "<=", "≤"
    GREATER = ">", ">"
    GREATER_OR_EQUAL = ">=", "≥"


class LabResult(TenantModel):
    class Status(models.TextChoices):
        FINAL = "final", "Final"
        ENTERED_IN_ERROR = "entered_in_error", "Entered in error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    loinc_code = models.CharField("LOINC code", max_length=10)
    test_name = models.CharField("Test", max_length=250)
    # The result as the lab printed it ("5.6", "<0.5", "Positive"); numeric
    # results also keep the number (and any comparator) for flags and trends.
    value = models.CharField(max_length=120)
    value_number = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True
    )
    value_comparator = models.CharField(
        max_length=2, choices=Comparator.choices, blank=True
    )
    unit = models.CharField(max_length=40, blank=True)
    reference_low = models.DecimalField(
        "Reference low", max_digits=14, decimal_places=4, null=True, blank=True
    )
    reference_high = models.DecimalField(
        "Reference high", max_digits=14, decimal_places=4, null=True, blank=True
    )
    reference_text = models.CharField("Reference range", max_length=120, blank=True)
    flag = models.CharField(max_length=2, choices=Flag.choices, blank=True)
    is_flag_manual = models.BooleanField(
        default=False, help_text="Set by the clinician rather than computed."
    )
    collected_at = models.DateTimeField("Collected at")
    reported_at = models.DateTimeField("Reported at", null=True, blank=True)
    performer = models.CharField("Lab", max_length=150, blank=True)
    comment = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.FINAL
    )
    error_reason = models.CharField(max_length=300, blank=True)
    marked_in_error_at = models.DateTimeField(null=True, blank=True)
    marked_in_error_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LabResultQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["-collected_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "loinc_code", "collected_at"],
                name="lab_result_patient_test_idx",
            ),
            models.Index(
                fields=["clinic", "patient", "collected_at"],
                name="lab_result_patient_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(value=""), name="lab_result_has_value"
            ),
            models.CheckConstraint(
                condition=models.Q(reference_low__isnull=True)
                | models.Q(reference_high__isnull=True)
                | models.Q(reference_low__lte=models.F("reference_high")),
                name="lab_result_range_ordered",
                violation_error_message=(
                    "Reference range: the low end is above the high end."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(reported_at__isnull=True)
                | models.Q(reported_at__gte=models.F("collected_at")),
                name="lab_result_reported_after_collected",
                violation_error_message=(
                    "Reported at: cannot be before the collection time."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(flag__in=["", *Flag.values]),
                name="lab_result_flag_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status="final")
                | (
                    models.Q(status="entered_in_error")
                    & ~models.Q(error_reason="")
                    & models.Q(marked_in_error_at__isnull=False)
                ),
                name="lab_result_error_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Lab result {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(LAB_RESULT_DELETE_MESSAGE)

    @property
    def is_entered_in_error(self) -> bool:
        return self.status == self.Status.ENTERED_IN_ERROR

    @property
    def is_abnormal(self) -> bool:
        return self.flag in ABNORMAL_FLAGS

    @property
    def is_critical(self) -> bool:
        return self.flag in (Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH)

    @property
    def unit_label(self) -> str:
        return display_unit(self.unit)

    @property
    def reference_label(self) -> str:
        """The range as a lab prints it: "4-5.6", "≤ 5.2", "≥ 60" or words."""
        low, high = self.reference_low, self.reference_high
        if low is not None and high is not None:
            return f"{low.normalize():f}-{high.normalize():f}"
        if high is not None:
            return f"≤ {high.normalize():f}"
        if low is not None:
            return f"≥ {low.normalize():f}"
        return self.reference_text
