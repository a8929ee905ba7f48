"""Composition: a clinical note, its SOAP sections as narrative text, its
signature as the legal attester and each addendum as a section after them.

Status: a draft is preliminary, a signed note final, and a signed note with
addenda amended (FHIR: added to after it was released as final).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.html import escape, format_html, format_html_join

from practica.charting.note_fields import TemplateField, display_value, sections_of
from practica.fhir import systems
from practica.fhir.datatypes import (
    JSON,
    Resource,
    coding,
    compact,
    concept,
    display_only,
    instant,
)
from practica.fhir.resources import encounter, organization, patient, practitioner

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote, NoteAddendum, NoteCosignature

PROGRESS_NOTE = ("11506-3", "Progress note")
# LOINC codes of the SOAP sections, by title; other sections (a template's
# own titles, such as "Risk assessment") carry their title only.
SECTION_LOINC = {
    "Subjective": ("61150-9", "Subjective Narrative"),
    "Objective": ("61149-1", "Objective Narrative"),
    "Assessment": ("51848-0", "Evaluation note"),
    "Plan": ("18776-5", "Plan of care note"),
}
XHTML = "http://www.w3.org/1999/xhtml"


def narrative(inner: str) -> Resource:
    """Generated narrative around already-escaped XHTML."""
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{inner}</div>'}


def value_text(field: TemplateField, value: object) -> str:
    """A field's value as plain text (body regions by name, tables by row)."""
    return display_value(field, value) or "Not recorded"


def _sections(note: ClinicalNote) -> list[JSON]:
    fields: list[TemplateField] = list(note.template.fields)
    sections: list[JSON] = []
    for section in sections_of(fields, note.content):
        body = format_html_join(
            "",
            "<p><b>{}:</b> {}</p>",
            ((v.label, value_text(v.field, v.value)) for v in section.values),
        )
        loinc = SECTION_LOINC.get(section.title)
        sections.append(
            compact(
                {
                    "title": section.title,
                    "code": concept(coding(systems.LOINC, *loinc)) if loinc else None,
                    "text": narrative(str(body)),
                }
            )
        )
    return sections


def _addendum(addendum: NoteAddendum) -> Resource:
    author = addendum.author.full_name or "Unknown author"
    body = format_html(
        "<p><b>Addendum by {} at {}</b></p><p>{}</p>",
        author,
        instant(addendum.signed_at),
        addendum.text,
    )
    return {
        "title": f"Addendum {instant(addendum.signed_at)}",
        "author": [display_only(author)],
        "text": narrative(str(body)),
    }


def _status(note: ClinicalNote, addenda: Sequence[NoteAddendum]) -> str:
    if not note.is_signed:
        return "preliminary"
    return "amended" if addenda else "final"


def to_fhir(
    note: ClinicalNote,
    addenda: Sequence[NoteAddendum],
    cosignature: NoteCosignature | None = None,
) -> Resource:
    """Needs the note's template, provider and signer loaded; a supervisor's
    co-signature is a second, professional attester."""
    title = f"{note.template.name} (version {note.template.version})"
    sections = _sections(note) or [
        {"title": "Note", "text": narrative(escape("No fields recorded."))}
    ]
    attester: list[JSON] = []
    if note.is_signed and note.signed_at is not None:
        signer = note.signed_by.full_name if note.signed_by else ""
        attester.append(
            compact(
                {
                    "mode": "legal",
                    "time": instant(note.signed_at),
                    "party": display_only(signer) if signer else None,
                }
            )
        )
    if cosignature is not None:
        attester.append(
            {
                "mode": "professional",
                "time": instant(cosignature.signed_at),
                "party": practitioner.ref(
                    cosignature.supervisor_id, cosignature.supervisor.display_name
                ),
            }
        )
    return compact(
        {
            "resourceType": "Composition",
            "id": str(note.pk),
            "status": _status(note, addenda),
            "type": concept(coding(systems.LOINC, *PROGRESS_NOTE)),
            "subject": patient.ref(note.patient_id),
            "encounter": (
                encounter.ref(note.appointment_id) if note.appointment_id else None
            ),
            "date": instant(note.signed_at or note.updated_at),
            "author": [practitioner.ref(note.provider_id, note.provider.display_name)],
            "title": title,
            "attester": attester,
            "custodian": organization.ref(note.clinic_id),
            "section": [*sections, *(_addendum(a) for a in addenda)],
        }
    )
