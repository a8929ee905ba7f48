from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.template.loader import render_to_string

from practica.audit.models import AuditEntry
from practica.charting.selectors import (
    get_appointment_for_note,
    get_note_for,
    list_patient_notes,
    list_templates,
)
from practica.charting.services import ensure_shipped_templates
from practica.charting.tests.factories import (
    ClinicalNoteFactory,
    NoteAddendumFactory,
    NoteTemplateFactory,
    SignedNoteFactory,
)
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic


def test_get_note_for_records_view_with_patient(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    found = get_note_for(actor=provider_actor, note_id=note.pk)
    # then
    assert found.pk == note.pk
    entries = list(AuditEntry.objects.filter(action="view"))
    assert [(e.object_id, e.patient_id, e.outcome) for e in entries] == [
        (str(note.pk), note.patient_id, "allowed")
    ]


def test_get_note_for_other_clinic_raises_404_and_audits_denial(
    other_clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=other_clinic)
    # when / then
    with pytest.raises(Http404):
        get_note_for(actor=provider_actor, note_id=note.pk)
    assert list(AuditEntry.objects.values_list("action", "outcome")) == [
        ("access", "denied")
    ]


def test_get_appointment_for_note_other_clinic_raises_404(
    other_clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    appointment = AppointmentFactory(clinic=other_clinic)
    # when / then
    with pytest.raises(Http404):
        get_appointment_for_note(actor=provider_actor, appointment_id=appointment.pk)


def test_list_patient_notes_newest_first_without_audit(
    clinic: Clinic,
    provider_actor: Actor,
    django_assert_num_queries: object,
) -> None:
    # given
    first = SignedNoteFactory(clinic=clinic)
    patient = first.patient
    second = ClinicalNoteFactory(
        clinic=clinic,
        appointment=AppointmentFactory(
            clinic=clinic, patient=patient, status=Appointment.Status.ARRIVED
        ),
    )
    NoteAddendumFactory.create_batch(2, note=first)
    ClinicalNoteFactory(clinic=clinic)  # another patient's note
    # when
    with django_assert_num_queries(1):  # type: ignore[operator]
        notes = list(list_patient_notes(actor=provider_actor, patient=patient))
        summary = [
            (n.pk, n.addendum_count, n.provider.display_name, n.template.name)
            for n in notes
        ]
    # then
    assert [s[:2] for s in summary] == [(second.pk, 0), (first.pk, 2)]
    assert AuditEntry.objects.count() == 0


def test_list_templates_returns_active_templates_of_clinic(
    clinic: Clinic, other_clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    shipped = ensure_shipped_templates(clinic=clinic)
    NoteTemplateFactory(clinic=clinic, is_active=False)
    ensure_shipped_templates(clinic=other_clinic)
    # when
    templates = list(list_templates(actor=provider_actor))
    # then
    assert sorted(t.pk for t in templates) == sorted(t.pk for t in shipped)


def test_patient_notes_partial_renders_timeline_without_queries(
    clinic: Clinic,
    provider_actor: Actor,
    django_assert_num_queries: object,
) -> None:
    # given
    start = datetime.datetime(2025, 3, 10, 14, 0, tzinfo=datetime.UTC)
    note = SignedNoteFactory(
        clinic=clinic,
        appointment__start_at=start,
        appointment__end_at=start + datetime.timedelta(minutes=30),
    )
    NoteAddendumFactory(note=note)
    notes = list(list_patient_notes(actor=provider_actor, patient=note.patient))
    # when
    with django_assert_num_queries(0):  # type: ignore[operator]
        html = render_to_string("charting/_patient_notes.html", {"notes": notes})
    # then
    assert f'href="/charting/notes/{note.pk}/"' in html
    assert "(1 addendum)" in html
    assert "10 Mar 2025, 10:00" in html  # Toronto, daylight time (UTC-4)
