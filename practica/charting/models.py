"""Clinical notes. A signed note never changes: the services refuse it and a
database trigger (migration 0002) refuses any UPDATE or DELETE of a signed
note from any path. Corrections are signed addenda shown below the note."""

from __future__ import annotations

import uuid
from typing import Any

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

    objects = ClinicalNoteQuerySet.as_manager()  # type: ignore[misc]  # narrows the tenant manager

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
