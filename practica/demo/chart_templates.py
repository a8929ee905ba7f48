"""Demo note templates made in the builder: a clinic-made vestibular
assessment for physiotherapy, and a second version of the shipped massage
template (notes written before it keep version 1).

Idempotent: a template already there is left alone.
"""

from __future__ import annotations

import datetime

from practica.charting.models import NoteTemplate
from practica.charting.note_fields import TemplateField
from practica.charting.selectors_templates import latest_version
from practica.charting.services import ensure_shipped_templates
from practica.charting.services_templates import create_template, save_template_version
from practica.charting.shipped_templates import MASSAGE
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import CLINIC_MANAGE

VESTIBULAR_NAME = "Vestibular assessment"
VESTIBULAR: list[TemplateField] = [
    {
        "name": "symptoms",
        "label": "Symptoms",
        "section": "S",
        "type": "checklist",
        "required": True,
        "choices": ["Vertigo", "Imbalance", "Nausea", "Oscillopsia", "Tinnitus"],
    },
    {"name": "onset_on", "label": "Date of onset", "section": "S", "type": "date"},
    {
        "name": "dizziness",
        "label": "Dizziness (0-10)",
        "section": "S",
        "type": "scale",
        "help": "0 = none, 10 = worst imaginable.",
    },
    {
        "name": "positional_tests",
        "label": "Positional tests",
        "section": "O",
        "type": "table",
        "rows": ["Dix-Hallpike", "Supine roll"],
        "columns": ["Left", "Right"],
        "help": "Nystagmus direction and duration, or negative.",
    },
    {
        "name": "impression",
        "label": "Clinical impression",
        "section": "A",
        "type": "textarea",
        "required": True,
    },
    {
        "name": "treatment",
        "label": "Treatment provided",
        "section": "P",
        "type": "checklist",
        "required": True,
        "choices": [
            "Epley manoeuvre",
            "Semont manoeuvre",
            "BBQ roll",
            "Gaze stabilisation exercises",
            "Balance training",
            "Education",
        ],
    },
    {"name": "plan", "label": "Plan / next visit", "section": "P", "type": "textarea"},
]
MASSAGE_CONSENT: TemplateField = {
    "name": "consent",
    "label": "Consent",
    "section": "S",
    "type": "checklist",
    "required": True,
    "choices": ["Consent to treatment confirmed", "Draping explained"],
}


def seed_note_templates(clinic: Clinic, *, today: datetime.date) -> None:
    """Add the demo's builder-made templates (once)."""
    del today  # templates carry no dates; the signature matches the other seeders
    actor = Actor.system(clinic, frozenset({CLINIC_MANAGE}))
    ensure_shipped_templates(clinic=clinic)
    if not NoteTemplate.objects.filter(clinic=clinic, name=VESTIBULAR_NAME).exists():
        create_template(
            actor=actor,
            name=VESTIBULAR_NAME,
            modality="physiotherapy",
            fields=VESTIBULAR,
        )
    massage = latest_version(clinic=clinic, key=MASSAGE.key)
    if massage is not None and massage.version == 1:
        fields = list(massage.fields)
        save_template_version(
            actor=actor,
            template=massage,
            name=massage.name,
            modality=massage.modality,
            fields=[fields[0], MASSAGE_CONSENT, *fields[1:]],
        )
