"""PostgreSQL: each source's query can use the GIN index the search
migration builds, because it uses exactly the indexed expression."""

from __future__ import annotations

import pytest
from django.db import connection

from practica.charting.models import (
    ClinicalNote,
    Medication,
    NoteAddendum,
    Problem,
)
from practica.charting.tests.factories import MedicationFactory, ProblemFactory
from practica.documents.models import Document
from practica.patients.models import Patient
from practica.search.sources import SOURCES
from practica.search.terms import parse_terms
from practica.search.tests.factories import addendum_for, document_for, note_for
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text indexes are PostgreSQL's"
    ),
]

INDEX_OF = {
    "notes": "search_note_fts",
    "addenda": "search_addendum_fts",
    "documents": "search_document_fts",
    "problems": "search_problem_fts",
    "medications": "search_medication_fts",
}


def test_every_source_has_an_index() -> None:
    assert set(SOURCES) == set(INDEX_OF)


ROWS = 3000


def _fill(clinic: Clinic, patient: Patient) -> None:
    """ROWS records of every kind in one clinic, one of each about a knee,
    then fresh planner statistics."""
    note = note_for(patient, {"impression": "Knee pain"}, signed=True)
    addendum_for(patient, "Knee pain")
    document_for(patient, title="Knee pain", text="Knee pain")
    ProblemFactory(clinic=clinic, patient=patient, display="Knee pain")
    MedicationFactory(clinic=clinic, patient=patient, name="Knee pain")
    common = {"clinic": clinic}
    ClinicalNote.objects.bulk_create(
        ClinicalNote(
            **common,
            patient=patient,
            provider=note.provider,
            template=note.template,
            content={"impression": f"Routine review {n}"},
        )
        for n in range(ROWS)
    )
    NoteAddendum.objects.bulk_create(
        NoteAddendum(
            **common,
            note=note,
            author=note.signed_by,
            text=f"Routine {n}",
            signed_at=note.signed_at,
        )
        for n in range(ROWS)
    )
    Document.objects.bulk_create(
        Document(
            **common,
            patient=patient,
            category="other",
            title=f"Routine letter {n}",
            original_name="letter.pdf",
            content_type="application/pdf",
            size_bytes=1,
            sha256="0" * 64,
            key_id="k",
            nonce=b"0" * 12,
            ciphertext=b"0",
            extracted_text="Routine letter",
        )
        for n in range(ROWS)
    )
    Problem.objects.bulk_create(
        Problem(**common, patient=patient, code="Z00.0", display=f"Routine {n}")
        for n in range(ROWS)
    )
    Medication.objects.bulk_create(
        Medication(**common, patient=patient, name=f"Routine {n}") for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        for model in (ClinicalNote, NoteAddendum, Document, Problem, Medication):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def test_the_clinic_search_queries_use_the_sources_indexes(
    provider_actor: Actor, clinic: Clinic, patient: Patient
) -> None:
    # given a clinic with thousands of records of each kind
    _fill(clinic, patient)
    terms = parse_terms("knee pain")
    for key, index in INDEX_OF.items():
        # when
        plan = SOURCES[key].keys(provider_actor, terms).explain()
        # then
        assert index in plan, plan
        assert len(SOURCES[key].keys(provider_actor, terms)) == 1
