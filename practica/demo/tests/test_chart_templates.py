"""The demo clinic's notes and templates: initial assessments for first
visits, follow-ups after, content valid for every field type, and the
builder-made templates seeded once."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from practica.charting.models import ClinicalNote, NoteTemplate
from practica.charting.note_fields import clean_value
from practica.charting.shipped_templates import (
    FOLLOW_UP_KEY_BY_MODALITY,
    INITIAL_KEY_BY_MODALITY,
    SHIPPED_TEMPLATES,
)
from practica.demo.chart_templates import VESTIBULAR_NAME, seed_note_templates
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.notes import note_content
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Notes Demo",
        slug="notes-demo",
        email_domain="notes.example",
        patients=40,
        providers=6,
        days_back=60,
        days_ahead=1,
    )
    return generate_clinic(spec).clinic


@pytest.mark.parametrize("seed", range(5))
def test_note_content_is_valid_for_every_shipped_template(seed: int) -> None:
    # given
    rng = random.Random(seed)
    for shipped in SHIPPED_TEMPLATES:
        # when
        content = note_content(shipped.fields, rng)
        # then: every value validates again unchanged
        for field in shipped.fields:
            assert clean_value(field, content) == content[field["name"]], (
                shipped.key,
                field["name"],
            )


def test_first_notes_are_initial_assessments_and_later_ones_follow_ups(
    demo_clinic: Clinic,
) -> None:
    # given
    notes = (
        ClinicalNote.objects.filter(clinic=demo_clinic)
        .select_related("template", "appointment")
        .order_by("appointment__start_at")
    )
    seen: set[tuple[object, str]] = set()
    kinds: dict[str, int] = {"initial": 0, "follow_up": 0}
    for note in notes:
        modality = note.template.modality
        first = (note.patient_id, modality) not in seen
        seen.add((note.patient_id, modality))
        # then
        if first:
            assert note.template.key == INITIAL_KEY_BY_MODALITY[modality]
            kinds["initial"] += 1
        elif modality in FOLLOW_UP_KEY_BY_MODALITY:
            assert note.template.key == FOLLOW_UP_KEY_BY_MODALITY[modality]
            kinds["follow_up"] += 1
    assert kinds["initial"] > 0
    assert kinds["follow_up"] > 0


def test_demo_physio_notes_fill_tables_and_body_regions(demo_clinic: Clinic) -> None:
    # when
    notes = ClinicalNote.objects.filter(
        clinic=demo_clinic, template__key="physiotherapy-soap"
    )
    # then
    assert notes.exists()
    for note in notes:
        assert note.content["rom_table"]
        assert note.content["pain_regions"]


def test_seed_note_templates_adds_versions_once(demo_clinic: Clinic) -> None:
    # when
    seed_note_templates(demo_clinic, today=timezone.localdate())
    seed_note_templates(demo_clinic, today=timezone.localdate())
    # then
    assert (
        NoteTemplate.objects.filter(clinic=demo_clinic, name=VESTIBULAR_NAME).count()
        == 1
    )
    massage = NoteTemplate.objects.filter(
        clinic=demo_clinic, key="massage-treatment"
    ).order_by("version")
    assert [(t.version, t.is_active) for t in massage] == [(1, False), (2, True)]
    assert ClinicalNote.objects.filter(template=massage[0]).exists()
    assert massage[1].fields[1]["name"] == "consent"
