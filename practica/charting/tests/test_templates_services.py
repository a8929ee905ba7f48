"""Template services and selectors: create, versions, retire, the default
template of a new note, and the builder list's query count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.charting.errors import (
    ChartPermissionError,
    InvalidTemplateError,
    TemplateVersionConflictError,
)
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.note_fields import TemplateField
from practica.charting.selectors_templates import (
    default_template_for,
    list_active_templates,
    list_template_families,
)
from practica.charting.services import ensure_shipped_templates, start_note
from practica.charting.services_templates import (
    create_template,
    save_template_version,
    set_template_active,
)
from practica.charting.tests.factories import ClinicalNoteFactory, SignedNoteFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

FIELDS: list[TemplateField] = [
    {"name": "reason", "label": "Reason", "section": "Intake", "type": "text"},
    {
        "name": "areas",
        "label": "Areas",
        "section": "Intake",
        "type": "body_region",
        "required": True,
    },
]
V2_FIELDS: list[TemplateField] = [
    *FIELDS,
    {
        "name": "rom",
        "label": "Range of motion",
        "section": "O",
        "type": "table",
        "rows": ["Flexion"],
        "columns": ["Left", "Right"],
    },
]


@pytest.fixture
def owner(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [OWNER]))


def _create(owner: Actor, name: str = "Hand therapy") -> NoteTemplate:
    return create_template(
        actor=owner, name=name, modality="occupational_therapy", fields=FIELDS
    )


# create_template


def test_create_template_makes_version_1_with_a_key_and_audits(
    clinic: Clinic, owner: Actor
) -> None:
    # when
    template = _create(owner)
    # then
    assert (template.key, template.version, template.is_active) == (
        "hand-therapy",
        1,
        True,
    )
    assert template.fields == FIELDS
    entry = AuditEntry.objects.get(clinic_id=clinic.pk, action="create")
    assert entry.object_id == str(template.pk)
    assert entry.patient_id is None


def test_create_template_keys_stay_unique(owner: Actor) -> None:
    # when
    first = _create(owner)
    second = _create(owner)
    # then
    assert (first.key, second.key) == ("hand-therapy", "hand-therapy-2")


@pytest.mark.parametrize(
    ("name", "modality", "fields", "expected"),
    [
        ("", "massage", FIELDS, ["Name: write the template's name."]),
        ("X", "astrology", FIELDS, ["Modality: choose one of the listed modalities."]),
        ("X", "massage", [], ["Add at least one field."]),
        (
            "X",
            "massage",
            [{**FIELDS[0], "type": "choice"}],
            ["Field 1 (Reason): add at least one choice."],
        ),
    ],
)
def test_create_template_refuses_bad_definitions_and_saves_nothing(
    clinic: Clinic,
    owner: Actor,
    name: str,
    modality: str,
    fields: list[TemplateField],
    expected: list[str],
) -> None:
    # when
    with pytest.raises(InvalidTemplateError) as caught:
        create_template(actor=owner, name=name, modality=modality, fields=fields)
    # then
    assert caught.value.errors == expected
    assert not NoteTemplate.objects.filter(clinic=clinic).exists()
    assert not AuditEntry.objects.filter(clinic_id=clinic.pk, action="create").exists()


def test_a_provider_cannot_manage_templates(clinic: Clinic) -> None:
    # given
    provider = actor_for(make_member(clinic, [PROVIDER]))
    # when / then
    with pytest.raises(ChartPermissionError):
        _create(provider)


# save_template_version


def test_saving_adds_a_version_and_old_notes_keep_theirs(
    clinic: Clinic, owner: Actor
) -> None:
    # given
    v1 = _create(owner)
    old_note = SignedNoteFactory(
        clinic=clinic, template=v1, content={"reason": "Grip", "areas": ["left_hand"]}
    )
    # when
    v2 = save_template_version(
        actor=owner,
        template=v1,
        name="Hand therapy assessment",
        modality="occupational_therapy",
        fields=V2_FIELDS,
    )
    # then
    v1.refresh_from_db()
    old_note.refresh_from_db()
    assert (v2.key, v2.version, v2.is_active) == (v1.key, 2, True)
    assert v1.is_active is False
    assert v1.fields == FIELDS
    assert old_note.template_id == v1.pk
    assert AuditEntry.objects.filter(
        clinic_id=clinic.pk, action="update", object_id=str(v2.pk)
    ).exists()


def test_a_note_written_with_v1_still_shows_v1_fields(
    clinic: Clinic, owner: Actor
) -> None:
    # given
    v1 = _create(owner)
    note = SignedNoteFactory(
        clinic=clinic, template=v1, content={"reason": "Grip", "areas": ["left_hand"]}
    )
    save_template_version(
        actor=owner,
        template=v1,
        name="Hand therapy",
        modality="occupational_therapy",
        fields=V2_FIELDS,
    )
    provider = make_member(clinic, [PROVIDER])
    client = Client()
    client.force_login(provider.user)
    # when
    response = client.get(reverse("charting:note-detail", kwargs={"note_id": note.pk}))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "(v1)" in html
    assert "<h2" in html
    assert ">Intake</h2>" in html
    assert "<li>Left hand</li>" in html
    assert "Range of motion" not in html


def test_saving_from_an_older_version_is_a_conflict(owner: Actor) -> None:
    # given
    v1 = _create(owner)
    save_template_version(
        actor=owner, template=v1, name="A", modality="massage", fields=FIELDS
    )
    # when / then
    with pytest.raises(TemplateVersionConflictError):
        save_template_version(
            actor=owner, template=v1, name="B", modality="massage", fields=FIELDS
        )
    assert NoteTemplate.objects.filter(key=v1.key).count() == 2


def test_saving_a_bad_version_changes_nothing(clinic: Clinic, owner: Actor) -> None:
    # given
    v1 = _create(owner)
    # when
    with pytest.raises(InvalidTemplateError) as caught:
        save_template_version(
            actor=owner,
            template=v1,
            name="Hand therapy",
            modality="occupational_therapy",
            fields=[FIELDS[0], FIELDS[0]],
        )
    # then
    assert caught.value.errors == [
        "Field 2 (Reason): the name “reason” is used by another field."
    ]
    v1.refresh_from_db()
    assert v1.is_active is True
    assert NoteTemplate.objects.filter(clinic=clinic, key=v1.key).count() == 1


# set_template_active


def test_retire_and_reactivate_act_on_the_newest_version(
    clinic: Clinic, owner: Actor
) -> None:
    # given
    v1 = _create(owner)
    v2 = save_template_version(
        actor=owner, template=v1, name="A", modality="massage", fields=FIELDS
    )
    # when
    retired = set_template_active(actor=owner, template=v1, is_active=False)
    # then
    assert retired.pk == v2.pk
    assert retired.is_active is False
    assert list(list_active_templates(clinic=clinic, modality="massage")) == []
    # when
    back = set_template_active(actor=owner, template=v2, is_active=True)
    # then
    assert back.is_active is True
    assert [
        e.action for e in AuditEntry.objects.filter(clinic_id=clinic.pk).order_by("seq")
    ][-2:] == [
        "retire",
        "reactivate",
    ]


# the template of a new note


@pytest.fixture
def provider_actor(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [PROVIDER]))


def test_first_physio_note_uses_the_initial_assessment_then_the_follow_up(
    clinic: Clinic, provider_actor: Actor
) -> None:
    # given
    ensure_shipped_templates(clinic=clinic)
    first = AppointmentFactory(clinic=clinic, status=Appointment.Status.ARRIVED)
    later = AppointmentFactory(
        clinic=clinic,
        patient=first.patient,
        appointment_type=first.appointment_type,
        status=Appointment.Status.ARRIVED,
    )
    # when
    initial = start_note(actor=provider_actor, appointment=first)
    follow_up = start_note(actor=provider_actor, appointment=later)
    # then
    assert first.appointment_type.modality == "physiotherapy"
    assert initial.template.key == "physiotherapy-soap"
    assert follow_up.template.key == "physiotherapy-follow-up"


def test_default_template_skips_a_retired_follow_up(
    clinic: Clinic, owner: Actor
) -> None:
    # given
    templates = {t.key: t for t in ensure_shipped_templates(clinic=clinic)}
    note = ClinicalNoteFactory(clinic=clinic, template=templates["counselling-dap"])
    set_template_active(
        actor=owner, template=templates["counselling-dap"], is_active=False
    )
    # when
    chosen = default_template_for(
        clinic=clinic, modality="counselling", patient_id=note.patient_id
    )
    # then
    assert chosen == templates["counselling-soap-risk"]


def test_new_notes_use_the_newest_version(
    clinic: Clinic, owner: Actor, provider_actor: Actor
) -> None:
    # given
    massage = next(
        t for t in ensure_shipped_templates(clinic=clinic) if t.modality == "massage"
    )
    v2 = save_template_version(
        actor=owner,
        template=massage,
        name=massage.name,
        modality="massage",
        fields=FIELDS,
    )
    appointment = AppointmentFactory(
        clinic=clinic,
        status=Appointment.Status.ARRIVED,
        appointment_type__modality="massage",
    )
    # when
    note = start_note(actor=provider_actor, appointment=appointment)
    # then
    assert note.template_id == v2.pk
    assert ClinicalNote.objects.filter(template=massage).count() == 0


# the builder list


def test_builder_list_groups_versions_with_note_counts(
    clinic: Clinic, owner: Actor
) -> None:
    # given
    v1 = _create(owner, "Zebra")
    ClinicalNoteFactory(clinic=clinic, template=v1)
    v2 = save_template_version(
        actor=owner, template=v1, name="Zebra", modality="massage", fields=FIELDS
    )
    retired = _create(owner, "Alpha")
    set_template_active(actor=owner, template=retired, is_active=False)
    # when
    families = list_template_families(actor=owner)
    # then
    assert [(f.key, f.is_active) for f in families] == [
        ("zebra", True),
        ("alpha", False),
    ]
    assert [(v.template.pk, v.note_count) for v in families[0].versions] == [
        (v2.pk, 0),
        (v1.pk, 1),
    ]


def test_builder_list_query_count_is_flat(
    clinic: Clinic,
    owner: Actor,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    member: Membership = make_member(clinic, [OWNER])
    client = Client()
    client.force_login(member.user)
    url = reverse("charting:template-list")
    _create(owner, "One")
    client.get(url)  # warm the session
    with django_assert_num_queries(6) as few:
        client.get(url)
    ensure_shipped_templates(clinic=clinic)
    for template in NoteTemplate.objects.filter(clinic=clinic)[:3]:
        ClinicalNoteFactory(clinic=clinic, template=template)
    # when / then
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("charting/templates/") > 10
