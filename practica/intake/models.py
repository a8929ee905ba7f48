"""Clinic forms and their submissions.

A `FormDefinition` is versioned like a note template: key + version, a new
version on each edit, the old one kept so that submissions still show the
questions they answered. A `FormSubmission` is immutable once submitted: the
services offer no edit, and migration 0002's triggers refuse any UPDATE (and,
on PostgreSQL, DELETE) of a submission, of its superseded mark and of a
mapping decision, whatever path a write takes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models

from practica.tenancy.models import TenantModel, TenantQuerySet

SUBMISSION_DELETE_MESSAGE = "Form submissions are permanent."


class FormKind(models.TextChoices):
    INTAKE = "intake", "Intake questionnaire"
    HEALTH_HISTORY = "health_history", "Health history"
    CONSENT = "consent", "Consent"


class SignerRelationship(models.TextChoices):
    SELF = "self", "Self"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
    SUBSTITUTE = "substitute_decision_maker", "Substitute decision-maker"


class FormDefinition(TenantModel):
    """One version of a clinic form. `fields` is a list of form fields (see
    `form_fields.FormField`); `legal_text` (consents) is plain text whose blank
    lines separate paragraphs, shown escaped."""

    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=FormKind.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    fields = models.JSONField(default=list)
    legal_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the forms Practica ships.",
    )

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "version"],
                name="form_definition_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_consent(self) -> bool:
        return self.kind == FormKind.CONSENT


class _PermanentQuerySet(TenantQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        # PostgreSQL's trigger refuses this too; SQLite's leaves DELETE open
        # for the test runner's flush, so the ORM path is closed here.
        raise IntegrityError(SUBMISSION_DELETE_MESSAGE)


class FormSubmission(TenantModel):
    """A filled and signed form: the answers, the signature, the PDF."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+"
    )
    definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="submissions"
    )
    # Copied from the definition so the record reads on its own.
    form_key = models.SlugField(max_length=60)
    form_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=FormKind.choices)
    title = models.CharField(max_length=150)
    answers = models.JSONField(default=dict)
    answers_sha256 = models.CharField(max_length=64)
    signature_png = models.BinaryField(null=True, blank=True)
    signer_name = models.CharField(max_length=150, blank=True)
    signer_relationship = models.CharField(
        max_length=30, choices=SignerRelationship.choices, blank=True
    )
    signed_at = models.DateTimeField()
    handed_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who handed the form to the patient.",
    )
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)

    objects = _PermanentQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["-signed_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "signed_at"],
                name="form_submission_patient_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Form submission {self.pk}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(SUBMISSION_DELETE_MESSAGE)

    @property
    def is_consent(self) -> bool:
        return self.kind == FormKind.CONSENT


class SubmissionSupersession(TenantModel):
    """Marks a submission superseded by a later one of the same form (a
    correction); the old submission itself never changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.OneToOneField(
        FormSubmission, on_delete=models.PROTECT, related_name="supersession"
    )
    superseded_by = models.ForeignKey(
        FormSubmission, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
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
        return f"Superseded: {self.submission_id}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(SUBMISSION_DELETE_MESSAGE)


class MappingDecision(TenantModel):
    """A clinician's decision on one proposed chart entry of a submission:
    accepted (the entry it created is named) or dismissed."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(
        FormSubmission, on_delete=models.PROTECT, related_name="decisions"
    )
    proposal_key = models.CharField(max_length=120)
    target = models.CharField(max_length=40)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    chart_entry_id = models.UUIDField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = _PermanentQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "proposal_key"],
                name="mapping_decision_once",
            )
        ]

    def __str__(self) -> str:
        return f"Mapping {self.decision}: {self.proposal_key}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise IntegrityError(SUBMISSION_DELETE_MESSAGE)
