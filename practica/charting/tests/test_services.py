from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from practica.audit.models import AuditEntry
from practica.charting.errors import (
    AppointmentNotChartableError,
    ChartPermissionError,
    InvalidAddendumError,
    InvalidNoteContentError,
    MissingRequiredFieldsError,
    NoteLockedError,
    NoteNotSignedError,
)
from practica.charting.models import ClinicalNote, NoteAddendum, NoteTemplate
from practica.charting.services import (
    add_addendum,
    ensure_shipped_templates,
    save_draft,
    sign_note,
    start_note,
)
from practica.charting.shipped_templates import SHIPPED_TEMPLATES
from practica.charting.tests.factories import (
    ClinicalNoteFactory,
    SignedNoteFactory,
)
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER
from practica.tenancy.tests.factories import actor_for, make_member

COMPLETE = {
    "chief_complaint": "Right shoulder pain",
    "impression": "Rotator cuff tendinopathy",
    "treatment": "Soft tissue release, exercise",
}


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# ensure_shipped_templates


def test_ensure_shipped_templates_installs_version_1_of_each(clinic: Clinic) -> None:
    # when
    templates = ensure_shipped_templates(clinic=clinic)
    # then
    assert [(t.key, t.version, t.modality) for t in templates] == [
        (s.key, 1, s.modality) for s in SHIPPED_TEMPLATES
    ]
    assert templates[0].name == "Physiotherapy initial assessment (SOAP)"
    assert templates[1].name == "Massage therapy treatment note"


def test_ensure_shipped_templates_is_idempotent(clinic: Clinic) -> None:
    # given
    first = ensure_shipped_templates(clinic=clinic)
    # when
    second = ensure_shipped_templates(clinic=clinic)
    # then
    assert [t.pk for t in second] == [t.pk for t in first]
    assert NoteTemplate.objects.filter(clinic=clinic).count() == len(SHIPPED_TEMPLATES)


def test_massage_template_offers_pressure_choices(clinic: Clinic) -> None:
    # when
    massage = ensure_shipped_templates(clinic=clinic)[1]
    # then
    pressure = next(f for f in massage.fields if f["name"] == "pressure")
    assert pressure["type"] == "choice"
    assert pressure["choices"] == ["Light", "Moderate", "Firm", "Deep"]


# start_note


def test_start_note_creates_draft_with_modality_template(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    appointment = AppointmentFactory(
        clinic=clinic,
        appointment_type=AppointmentTypeFactory(clinic=clinic, modality="massage"),
        status=Appointment.Status.ARRIVED,
    )
    # when
    note = start_note(actor=provider_actor, appointment=appointment)
    # then
    assert note.status == ClinicalNote.Status.DRAFT
    assert note.template.key == "massage-treatment"
    assert note.provider_id == appointment.provider_id
    assert note.patient_id == appointment.patient_id
    assert note.content == {}
    created = _entries("create")
    assert [(e.object_id, e.patient_id) for e in created[-1:]] == [
        (str(note.pk), appointment.patient_id)
    ]


def test_start_note_is_idempotent(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    first = start_note(actor=provider_actor, appointment=appointment)
    creates = len(_entries("create"))
    # when
    second = start_note(actor=provider_actor, appointment=appointment)
    # then
    assert second.pk == first.pk
    assert ClinicalNote.objects.filter(appointment=appointment).count() == 1
    assert len(_entries("create")) == creates


def test_start_note_uses_given_template(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    counselling = ensure_shipped_templates(clinic=clinic)[4]
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    # when
    note = start_note(
        actor=provider_actor, appointment=appointment, template=counselling
    )
    # then
    assert note.template_id == counselling.pk


def test_start_note_refuses_cancelled_appointment(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.CANCELLED)
    # when / then
    with pytest.raises(AppointmentNotChartableError):
        start_note(actor=provider_actor, appointment=appointment)
    assert ClinicalNote.objects.count() == 0


def test_start_note_refuses_appointment_of_other_clinic(
    other_clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    appointment = AppointmentFactory(clinic=other_clinic)
    # when / then
    with pytest.raises(AppointmentNotChartableError):
        start_note(actor=provider_actor, appointment=appointment)
    assert ClinicalNote.objects.count() == 0


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING, OWNER])
def test_start_note_requires_chart_edit(clinic: Clinic, role: str) -> None:
    # given
    actor = actor_for(make_member(clinic, [role]))
    appointment = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    # when / then
    with pytest.raises(ChartPermissionError):
        start_note(actor=actor, appointment=appointment)


# save_draft


def test_save_draft_merges_content_and_audits(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={"chief_complaint": "Neck"})
    # when
    save_draft(
        actor=provider_actor,
        note=note,
        content={"pain_nprs": 6, "history": "Two weeks"},
    )
    # then
    note.refresh_from_db()
    assert note.content == {
        "chief_complaint": "Neck",
        "pain_nprs": 6,
        "history": "Two weeks",
    }
    updates = _entries("update")
    assert [(e.object_id, e.patient_id) for e in updates] == [
        (str(note.pk), note.patient_id)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"pain_nprs": 11}, "Pain (NPRS 0-10): Enter a whole number from 0 to 10."),
        ({"unknown_field": "x"}, "Unknown fields for this template: unknown_field."),
    ],
)
def test_save_draft_refuses_invalid_content(
    clinic: Clinic, provider_actor: Actor, content: dict[str, object], message: str
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when / then
    with pytest.raises(InvalidNoteContentError) as caught:
        save_draft(actor=provider_actor, note=note, content=content)
    assert str(caught.value) == message
    note.refresh_from_db()
    assert note.content == {}


def test_save_draft_refuses_signed_note(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    before = dict(note.content)
    # when / then
    with pytest.raises(NoteLockedError):
        save_draft(actor=provider_actor, note=note, content={"history": "changed"})
    note.refresh_from_db()
    assert note.content == before


def test_save_draft_refuses_stale_draft_instance_of_signed_note(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given: an instance read while the note was still a draft
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    stale = ClinicalNote.objects.get(pk=note.pk)
    sign_note(actor=provider_actor, note=note)
    # when / then
    with pytest.raises(NoteLockedError):
        save_draft(actor=provider_actor, note=stale, content={"history": "late"})


# sign_note


def test_sign_note_locks_and_audits(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    # when
    signed = sign_note(actor=provider_actor, note=note)
    # then
    signed.refresh_from_db()
    assert signed.status == ClinicalNote.Status.SIGNED
    assert signed.signed_by == provider_actor.user
    assert signed.signed_at is not None
    signs = _entries("sign")
    assert [(e.object_id, e.patient_id, e.user_id) for e in signs] == [
        (str(note.pk), note.patient_id, provider_actor.user.pk)  # type: ignore[union-attr]
    ]


def test_sign_note_saves_given_content_first(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={})
    # when
    sign_note(actor=provider_actor, note=note, content=COMPLETE)
    # then
    note.refresh_from_db()
    assert note.content == COMPLETE
    assert note.is_signed


def test_sign_note_twice_raises(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    sign_note(actor=provider_actor, note=note)
    # when / then
    with pytest.raises(NoteLockedError):
        sign_note(actor=provider_actor, note=note)
    assert len(_entries("sign")) == 1


def test_sign_note_requires_required_fields(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={"chief_complaint": "Knee"})
    # when / then
    with pytest.raises(MissingRequiredFieldsError) as caught:
        sign_note(actor=provider_actor, note=note)
    assert str(caught.value) == (
        "Complete before signing: Clinical impression / diagnosis, Treatment provided."
    )
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.DRAFT
    assert _entries("sign") == []


def test_sign_note_treats_whitespace_as_missing(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content={**COMPLETE, "treatment": "  "})
    # when / then
    with pytest.raises(MissingRequiredFieldsError) as caught:
        sign_note(actor=provider_actor, note=note)
    assert caught.value.labels == ["Treatment provided"]


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING, OWNER])
def test_sign_note_requires_chart_sign(clinic: Clinic, role: str) -> None:
    # given
    actor = actor_for(make_member(clinic, [role]))
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    # when / then
    with pytest.raises(ChartPermissionError):
        sign_note(actor=actor, note=note)
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.DRAFT


def test_sign_note_refuses_system_actor(clinic: Clinic, system_actor: Actor) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic, content=COMPLETE)
    # when / then
    with pytest.raises(ChartPermissionError):
        sign_note(actor=system_actor, note=note)


def test_sign_note_refuses_note_of_other_clinic(
    other_clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    note = ClinicalNoteFactory(clinic=other_clinic, content=COMPLETE)
    # when / then
    with pytest.raises(ChartPermissionError):
        sign_note(actor=provider_actor, note=note)


# add_addendum


def test_add_addendum_to_signed_note(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when
    addendum = add_addendum(
        actor=provider_actor, note=note, text="  Pain 3/10 at follow-up call.  "
    )
    # then
    assert addendum.text == "Pain 3/10 at follow-up call."
    assert addendum.author == provider_actor.user
    assert addendum.signed_at is not None
    entries = _entries("addendum")
    assert [(e.object_id, e.patient_id) for e in entries] == [
        (str(addendum.pk), note.patient_id)
    ]


def test_add_addendum_refuses_draft(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(NoteNotSignedError):
        add_addendum(actor=provider_actor, note=note, text="Extra")
    assert NoteAddendum.objects.count() == 0


@pytest.mark.parametrize("text", ["", "   ", "x" * 20_001])
def test_add_addendum_requires_text(
    clinic: Clinic, provider_actor: Actor, text: str
) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(InvalidAddendumError):
        add_addendum(actor=provider_actor, note=note, text=text)
    assert NoteAddendum.objects.count() == 0


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING, OWNER])
def test_add_addendum_requires_chart_edit(clinic: Clinic, role: str) -> None:
    # given
    actor = actor_for(make_member(clinic, [role]))
    note = SignedNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(ChartPermissionError):
        add_addendum(actor=actor, note=note, text="Extra")


# the database refuses changes to signed notes, whatever the path


def test_orm_update_of_signed_note_raises(clinic: Clinic) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        ClinicalNote.objects.filter(pk=note.pk).update(content={"x": "changed"})
    note.refresh_from_db()
    assert note.content["chief_complaint"] == "Left knee pain on stairs"


def test_model_save_of_signed_note_raises(clinic: Clinic) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    note.content = {"x": "changed"}
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        note.save()


def test_orm_queryset_delete_of_signed_note_raises(clinic: Clinic) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        ClinicalNote.objects.filter(pk=note.pk).delete()
    assert ClinicalNote.objects.filter(pk=note.pk).exists()


def test_model_delete_of_signed_note_raises(clinic: Clinic) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        note.delete()
    assert ClinicalNote.objects.filter(pk=note.pk).exists()


def test_orm_update_reopening_signed_note_raises(clinic: Clinic) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    # when / then: the trigger, not Python, refuses this one
    with pytest.raises(DatabaseError), transaction.atomic():
        ClinicalNote.objects.filter(pk=note.pk).update(status="draft")
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.SIGNED


def test_orm_update_and_delete_of_draft_note_work(clinic: Clinic) -> None:
    # given
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    updated = ClinicalNote.objects.filter(pk=note.pk).update(content={"x": "y"})
    deleted, _ = ClinicalNote.objects.filter(pk=note.pk).delete()
    # then
    assert (updated, deleted) == (1, 1)


def test_orm_update_of_addendum_raises(clinic: Clinic, provider_actor: Actor) -> None:
    # given
    note = SignedNoteFactory(clinic=clinic)
    addendum = add_addendum(actor=provider_actor, note=note, text="Original")
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        NoteAddendum.objects.filter(pk=addendum.pk).update(text="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        NoteAddendum.objects.filter(pk=addendum.pk).delete()
    addendum.refresh_from_db()
    assert addendum.text == "Original"
