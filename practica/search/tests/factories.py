"""Factories of the search app; URL_KWARG_BUILDERS feeds the URL tests.

Search has no models: these helpers make the records it searches, through
the owning apps' factories (synthetic text only). Its routes take only
`patient_id`, which the patients app builds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from practica.charting.models import ClinicalNote, NoteAddendum
from practica.charting.tests.factories import (
    ClinicalNoteFactory,
    NoteAddendumFactory,
    SignedNoteFactory,
)
from practica.documents.models import Document
from practica.documents.tests.factories import DocumentFactory
from practica.patients.models import Patient
from practica.tenancy.models import Clinic

URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {}


def note_for(
    patient: Patient, content: Mapping[str, object], *, signed: bool = False
) -> ClinicalNote:
    factory = SignedNoteFactory if signed else ClinicalNoteFactory
    note: ClinicalNote = factory(
        clinic=patient.clinic, appointment__patient=patient, content=dict(content)
    )
    return note


def addendum_for(patient: Patient, text: str) -> NoteAddendum:
    note = note_for(patient, {"treatment": "Exercise review"}, signed=True)
    addendum: NoteAddendum = NoteAddendumFactory(
        note=note, clinic=patient.clinic, text=text
    )
    return addendum


def document_for(
    patient: Patient, *, title: str = "Referral letter", text: str = ""
) -> Document:
    document: Document = DocumentFactory(
        clinic=patient.clinic, patient=patient, title=title, extracted_text=text
    )
    return document
