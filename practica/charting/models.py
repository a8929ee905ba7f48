"""Clinical notes. A signed note never changes: the services refuse it and a
database trigger (migration 0002) refuses any UPDATE or DELETE of a signed
note from any path. Corrections are signed addenda shown below the note."""

from __future__ import annotations

import uuid

from django.db import models

from practica.tenancy.models import TenantModel


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

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "created_at"], name="note_patient_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Note {self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


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

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"Addendum {self.pk}"
