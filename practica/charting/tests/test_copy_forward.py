"""Copy forward: a draft's empty fields filled from the patient's last signed
note of the same template key, never over what the provider typed unless
they confirm."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.errors import (
    ChartPermissionError,
    CopyForwardError,
    NoteLockedError,
)
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.note_fields import TemplateField
from practica.charting.selectors_notes import find_copy_source
from practica.charting.services import copy_forward
from practica.charting.tests.factories import (
    ClinicalNoteFactory,
    NoteTemplateFactory,
    SignedNoteFactory,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.tests.factories import MONDAY, local
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]
VISIT = local(MONDAY, 10)
LAST = {
    "chief_complaint": "Left knee pain on stairs",
    "pain_nprs": 6,
    "red_flags": ["Night pain"],
    "rom_table": {"Flexion": {"Left (°)": "120", "Right (°)": "135"}},
    "impression": "Patellofemoral pain",
    "treatment": "Manual therapy and exercise",
}


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)


def _note(
    template: NoteTemplate,
    patient: Patient,
    *,
    days_before: int,
    content: Mapping[str, object],
    signed: bool = True,
) -> ClinicalNote:
    factory = SignedNoteFactory if signed else ClinicalNoteFactory
    note: ClinicalNote = factory(
        clinic=template.clinic,
        template=template,
        content=dict(content),
        appointment__patient=patient,
        appointment__start_at=VISIT - datetime.timedelta(days=days_before),
    )
    return note


def _draft(
    template: NoteTemplate,
    patient: Patient,
    content: Mapping[str, object] | None = None,
) -> ClinicalNote:
    return _note(template, patient, days_before=0, content=content or {}, signed=False)


# the source


def test_the_source_is_the_last_signed_note_of_the_template_key(
    physio_template: NoteTemplate, patient: Patient, clinic: Clinic
) -> None:
    # given an older signed note, a newer draft, a newer note of another
    # template, another patient's newer note and a signed note after the visit
    _note(physio_template, patient, days_before=21, content={"plan": "older"})
    last = _note(physio_template, patient, days_before=7, content=LAST)
    _note(physio_template, patient, days_before=3, content={"plan": "x"}, signed=False)
    other_template = NoteTemplateFactory(clinic=clinic, key="other")
    _note(other_template, patient, days_before=2, content={"plan": "other"})
    _note(physio_template, PatientFactory(clinic=clinic), days_before=1, content=LAST)
    _note(physio_template, patient, days_before=-2, content={"plan": "after"})
    draft = _draft(physio_template, patient)
    # when
    source = find_copy_source(actor=actor_for(make_member(clinic, [])), note=draft)
    # then
    assert source == last


def test_a_newer_version_of_the_template_copies_from_an_older_one(
    physio_template: NoteTemplate,
    patient: Patient,
    clinic: Clinic,
    provider_actor: Actor,
) -> None:
    # given version 2 renames a field, changes one's type and narrows a choice
    fields: list[TemplateField] = [
        dict(f)  # type: ignore[misc]  # a copy of each TypedDict
        for f in physio_template.fields
        if f["name"] not in ("patient_goals", "pain_nprs")
    ]
    fields.append({"name": "goals", "label": "Goals", "section": "S", "type": "text"})
    fields.append(
        {"name": "pain_nprs", "label": "Pain", "section": "S", "type": "textarea"}
    )
    red_flags = next(f for f in fields if f["name"] == "red_flags")
    red_flags["choices"] = ["Fever or unwell"]
    version_2 = NoteTemplateFactory(
        clinic=clinic, key=physio_template.key, version=2, fields=fields
    )
    _note(
        physio_template,
        patient,
        days_before=7,
        content={**LAST, "patient_goals": "Run 5 km"},
    )
    draft = _draft(version_2, patient)
    # when
    result = copy_forward(actor=provider_actor, note=draft)
    # then only fields of the same name and type whose value still fits
    draft.refresh_from_db()
    assert draft.content == {
        "chief_complaint": "Left knee pain on stairs",
        "rom_table": {"Flexion": {"Left (°)": "120", "Right (°)": "135"}},
        "impression": "Patellofemoral pain",
        "treatment": "Manual therapy and exercise",
    }
    assert result.kept == []


# filling and keeping


def test_copy_forward_fills_empty_fields_and_keeps_typed_ones(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given
    source = _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(
        physio_template,
        patient,
        {"chief_complaint": "Knee better today", "impression": ""},
    )
    # when
    result = copy_forward(actor=provider_actor, note=draft)
    # then
    draft.refresh_from_db()
    assert draft.content == {**LAST, "chief_complaint": "Knee better today"}
    assert result.source == source
    assert result.copied == [
        "Pain (NPRS 0-10)",
        "Red flags screened",
        "Range of motion",
        "Clinical impression / diagnosis",
        "Treatment provided",
    ]
    assert result.kept == ["Chief complaint"]


def test_what_the_form_holds_is_saved_first_and_kept(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given a draft whose screen holds a complaint autosave has not sent
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    # when
    result = copy_forward(
        actor=provider_actor,
        note=draft,
        content={"chief_complaint": "Typed, not yet saved"},
    )
    # then
    draft.refresh_from_db()
    assert draft.content["chief_complaint"] == "Typed, not yet saved"
    assert draft.content["impression"] == "Patellofemoral pain"
    assert result.kept == ["Chief complaint"]


def test_replacing_typed_fields_needs_the_confirmation(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient, {"chief_complaint": "Typed", "plan": "P"})
    # when
    result = copy_forward(actor=provider_actor, note=draft, replace_typed=True)
    # then the typed complaint is replaced; the plan (empty in the source) stays
    draft.refresh_from_db()
    assert draft.content == {**LAST, "plan": "P"}
    assert "Chief complaint" in result.copied
    assert result.kept == []


def test_copy_forward_is_audited(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given
    source = _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    # when
    copy_forward(actor=provider_actor, note=draft)
    # then
    entry = AuditEntry.objects.get(action="copy_forward")
    assert entry.object_id == str(draft.pk)
    assert entry.patient_id == patient.pk
    assert entry.detail == f"from note {source.pk}: copied 6, kept 0"


# refusals


def test_without_a_signed_source_nothing_changes(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given only a draft of the same template
    _note(physio_template, patient, days_before=7, content=LAST, signed=False)
    draft = _draft(physio_template, patient, {"plan": "Mine"})
    # when / then
    with pytest.raises(CopyForwardError):
        copy_forward(actor=provider_actor, note=draft)
    draft.refresh_from_db()
    assert draft.content == {"plan": "Mine"}
    assert not AuditEntry.objects.filter(action="copy_forward").exists()


def test_a_signed_note_cannot_be_copied_into(
    physio_template: NoteTemplate, patient: Patient, provider_actor: Actor
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    signed = _note(physio_template, patient, days_before=0, content={"plan": "x"})
    # when / then
    with pytest.raises(NoteLockedError):
        copy_forward(actor=provider_actor, note=signed)


def test_front_desk_cannot_copy_forward(
    physio_template: NoteTemplate, patient: Patient, clinic: Clinic
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    # when / then
    with pytest.raises(ChartPermissionError):
        copy_forward(actor=actor_for(make_member(clinic, [FRONT_DESK])), note=draft)


# the view


def _copy_url(note: ClinicalNote) -> str:
    return reverse("charting:note-copy-forward", kwargs={"note_id": note.pk})


def test_the_note_page_offers_copy_forward_when_a_source_exists(
    physio_template: NoteTemplate,
    patient: Patient,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    lonely = _draft(physio_template, PatientFactory(clinic=patient.clinic))
    client = client_for(provider_member)
    # when
    with_source = client.get(
        reverse("charting:note-detail", kwargs={"note_id": draft.pk})
    )
    without = client.get(reverse("charting:note-detail", kwargs={"note_id": lonely.pk}))
    # then
    assert "Copy forward from last note" in with_source.content.decode()
    assert _copy_url(draft) in with_source.content.decode()
    assert "Copy forward from last note" not in without.content.decode()


def test_posting_the_form_copies_forward_and_keeps_what_is_on_screen(
    physio_template: NoteTemplate,
    patient: Patient,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    client = client_for(provider_member)
    # when
    response = client.post(
        _copy_url(draft), {"chief_complaint": "On screen"}, follow=True
    )
    # then
    draft.refresh_from_db()
    assert response.redirect_chain[-1][1] == 302
    assert draft.content["chief_complaint"] == "On screen"
    assert draft.content["treatment"] == "Manual therapy and exercise"
    assert "Kept what you had typed in: Chief complaint." in response.content.decode()


def test_the_view_replaces_typed_fields_only_with_replace(
    physio_template: NoteTemplate,
    patient: Patient,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient, {"chief_complaint": "Typed"})
    client = client_for(provider_member)
    # when
    client.post(_copy_url(draft), {"replace": "1"})
    # then
    draft.refresh_from_db()
    assert draft.content["chief_complaint"] == "Left knee pain on stairs"


def test_the_view_refuses_without_a_source_with_409(
    physio_template: NoteTemplate,
    patient: Patient,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    draft = _draft(physio_template, patient)
    # when
    response = client_for(provider_member).post(_copy_url(draft), {})
    # then
    assert response.status_code == 409
    assert "no earlier signed note" in response.content.decode()


def test_the_view_refuses_invalid_screen_values_with_422_naming_the_field(
    physio_template: NoteTemplate,
    patient: Patient,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    # when
    response = client_for(provider_member).post(
        _copy_url(draft), {"pain_nprs": "eleven"}
    )
    # then
    draft.refresh_from_db()
    assert response.status_code == 422
    assert "Pain (NPRS 0-10)" in response.content.decode()
    assert draft.content == {}


def test_get_is_not_allowed_and_front_desk_is_refused(
    physio_template: NoteTemplate,
    patient: Patient,
    clinic: Clinic,
    provider_member: Membership,
    client_for: ClientFor,
) -> None:
    # given
    _note(physio_template, patient, days_before=7, content=LAST)
    draft = _draft(physio_template, patient)
    # when
    get = client_for(provider_member).get(_copy_url(draft))
    desk = client_for(make_member(clinic, [FRONT_DESK])).post(_copy_url(draft), {})
    # then
    draft.refresh_from_db()
    assert get.status_code == 405
    assert desk.status_code == 403
    assert draft.content == {}
