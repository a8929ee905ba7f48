"""Reads for charting. `get_note_for` is the one way a view obtains a note;
it records the view of the patient's health information."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet

from practica.audit.services import record_view
from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.scheduling.models import Appointment
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor


def _notes(actor: Actor) -> QuerySet[ClinicalNote]:
    return ClinicalNote.objects.filter(clinic=actor.clinic)


def get_note_for(*, actor: Actor, note_id: uuid.UUID) -> ClinicalNote:
    """The note with its header data and addenda (authors included), scoped to
    the actor's clinic; records one view entry. Raises Http404 otherwise."""
    note = scoped_get_or_404(
        actor,
        _notes(actor)
        .select_related(
            "patient",
            "provider",
            "template",
            "appointment__location",
            "appointment__appointment_type",
            "signed_by",
        )
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=NoteAddendum.objects.filter(
                    clinic=actor.clinic
                ).select_related("author"),
            )
        ),
        pk=note_id,
    )
    record_view(actor=actor, obj=note, patient_id=note.patient_id)
    return note


def get_note_for_change(*, actor: Actor, note_id: uuid.UUID) -> ClinicalNote:
    """The note a POST acts on (no view entry: the service records the change)."""
    return scoped_get_or_404(
        actor,
        _notes(actor).select_related("template", "appointment__location"),
        pk=note_id,
    )


def list_addenda(*, actor: Actor, note: ClinicalNote) -> QuerySet[NoteAddendum]:
    return NoteAddendum.objects.filter(clinic=actor.clinic, note=note).select_related(
        "author"
    )


def list_patient_notes(*, actor: Actor, patient: Patient) -> QuerySet[ClinicalNote]:
    """The patient's notes, newest first, for the chart timeline. The caller's
    page view records the audit entry."""
    return (
        _notes(actor)
        .filter(patient=patient)
        .select_related("provider", "template", "appointment__location", "signed_by")
        .annotate(addendum_count=Count("addenda"))
        .order_by("-created_at")
    )


def list_templates(*, actor: Actor) -> QuerySet[NoteTemplate]:
    """The clinic's active templates (every active version), by name."""
    return NoteTemplate.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        "name", "-version"
    )


def get_appointment_for_note(*, actor: Actor, appointment_id: uuid.UUID) -> Appointment:
    """The appointment a note is started from, scoped to the actor's clinic."""
    return scoped_get_or_404(
        actor,
        Appointment.objects.select_related("appointment_type"),
        pk=appointment_id,
    )
