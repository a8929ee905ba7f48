"""Recorded outcome-measure responses.

A response is immutable once recorded: the services offer no edit, and
migration 0002's triggers refuse any UPDATE (and, on PostgreSQL, DELETE) of a
response or of its entered-in-error mark, whatever path a write takes. A
mistaken response is marked entered in error (a separate, equally immutable
row with the reason) and drops out of scores and trends, but stays readable.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models

from practica.outcomes.measures import MEASURE_CHOICES
from practica.tenancy.models import TenantModel, TenantQuerySet

RESPONSE_DELETE_MESSAGE = "Outcome measure responses are permanent."


class _PermanentQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        # PostgreSQL's trigger refuses this too; SQLite's leaves DELETE open
        # for the test runner's flush, so the ORM path is closed here.
        raise IntegrityError(RESPONSE_DELETE_MESSAGE)


class MeasureResponse(TenantModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    measure_code = models.CharField(max_length=20, choices=MEASURE_CHOICES)
    measure_version = models.PositiveSmallIntegerField()
    # Item key -> chosen value (None = skipped), as scored.
    answers = models.JSONField()
    score = models.DecimalField(max_digits=5, decimal_places=1)
    band = models.CharField(max_length=40, blank=True)
    flags = models.JSONField(default=list)
    taken_on = models.DateField()
    recorded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when recorded by the system (demo data, imports).",
    )
    note = models.ForeignKey(
        "charting.ClinicalNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = _PermanentQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["taken_on", "created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "measure_code", "taken_on"],
                name="outcome_patient_measure_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0), name="outcome_score_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_code} response {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(RESPONSE_DELETE_MESSAGE)


class ResponseErrorMark(TenantModel):
    """Marks a response as entered in error (wrong patient, wrong form...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.OneToOneField(
        MeasureResponse, on_delete=models.PROTECT, related_name="error_mark"
    )
    reason = models.CharField(max_length=500)
    marked_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = _PermanentQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Entered in error: {self.response_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(RESPONSE_DELETE_MESSAGE)
