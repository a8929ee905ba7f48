"""Search within a chart and across the clinic, on the real database (both
SQLite and PostgreSQL run these)."""

from __future__ import annotations

import pytest

from practica.audit.models import AuditEntry
from practica.charting.models import ENTERED_IN_ERROR
from practica.charting.tests.factories import MedicationFactory, ProblemFactory
from practica.documents.services import mark_entered_in_error, upload_document
from practica.documents.tests.factories import make_pdf
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.search.selectors import (
    PatientSearch,
    search_clinic,
    search_patient,
)
from practica.search.terms import parse_terms
from practica.search.tests.factories import addendum_for, document_for, note_for
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for

pytestmark = pytest.mark.django_db


def _search(actor: Actor, patient: Patient, query: str) -> PatientSearch:
    return search_patient(actor=actor, patient=patient, terms=parse_terms(query))


def _kinds(result: PatientSearch) -> dict[str, int]:
    return {g.key: len(g.hits) for g in result.groups}


def test_a_word_in_a_note_value_is_found_and_marked(
    provider_actor: Actor, patient: Patient
) -> None:
    # given
    note = note_for(patient, {"impression": "Plantar fasciitis, right heel"})
    # when
    result = _search(provider_actor, patient, "fasciitis")
    # then
    assert _kinds(result) == {"notes": 1}
    hit = result.groups[0].hits[0]
    assert hit.object_id == note.pk
    assert "<mark>fasciitis</mark>" in hit.snippet
    assert hit.url == f"/charting/notes/{note.pk}/"
    assert hit.status == "Draft"


def test_a_note_field_name_is_not_searched(
    provider_actor: Actor, patient: Patient
) -> None:
    # given a note whose key, not value, holds the word
    note_for(patient, {"impression": "Tendon irritation"})
    # when
    result = _search(provider_actor, patient, "impression")
    # then
    assert result.groups == []


def test_a_word_in_an_addendum_is_found(
    provider_actor: Actor, patient: Patient
) -> None:
    # given
    addendum = addendum_for(patient, "Corrected side: symptoms are bilateral.")
    # when
    result = _search(provider_actor, patient, "bilateral")
    # then
    assert _kinds(result) == {"addenda": 1}
    hit = result.groups[0].hits[0]
    assert hit.object_id == addendum.pk
    assert hit.url == f"/charting/notes/{addendum.note_id}/#addenda"
    assert "<mark>bilateral</mark>" in hit.snippet


def test_a_word_in_an_uploaded_pdfs_text_is_found(
    provider_actor: Actor, patient: Patient
) -> None:
    # given a PDF uploaded through the documents service (text extracted)
    document = upload_document(
        actor=provider_actor,
        patient=patient,
        category="imaging",
        title="Ultrasound report",
        file_name="us.pdf",
        data=make_pdf("Findings: supraspinatus tendinopathy without tear"),
    )
    # when
    result = _search(provider_actor, patient, "tendinopathy")
    # then
    assert _kinds(result) == {"documents": 1}
    hit = result.groups[0].hits[0]
    assert hit.object_id == document.pk
    assert "<mark>tendinopathy</mark>" in hit.snippet
    assert hit.url.endswith(f"#document-{document.pk}")
    assert hit.status == "Imaging"


def test_a_document_title_is_found_and_marked(
    provider_actor: Actor, patient: Patient
) -> None:
    document_for(patient, title="Orthotics prescription", text="")
    result = _search(provider_actor, patient, "orthotics")
    assert str(result.groups[0].hits[0].title) == (
        "<mark>Orthotics</mark> prescription"
    )


def test_an_entered_in_error_document_is_not_found(
    provider_actor: Actor, patient: Patient
) -> None:
    # given
    document = document_for(patient, text="Scan of the wrong patient's knee MRI")
    mark_entered_in_error(
        actor=provider_actor, document=document, reason="Wrong patient"
    )
    # when
    result = _search(provider_actor, patient, "MRI")
    # then
    assert result.groups == []


def test_problems_and_medications_are_found_but_not_entered_in_error(
    provider_actor: Actor, patient: Patient, clinic: Clinic
) -> None:
    # given
    ProblemFactory(clinic=clinic, patient=patient, display="Achilles tendinitis")
    ProblemFactory(
        clinic=clinic,
        patient=patient,
        display="Achilles rupture",
        status=ENTERED_IN_ERROR,
    )
    MedicationFactory(clinic=clinic, patient=patient, name="Naproxen")
    # when
    achilles = _search(provider_actor, patient, "achilles")
    naproxen = _search(provider_actor, patient, "naproxen")
    # then
    assert _kinds(achilles) == {"problems": 1}
    assert "<mark>Achilles</mark> tendinitis" in achilles.groups[0].hits[0].title
    assert _kinds(naproxen) == {"medications": 1}


def test_every_word_must_match(provider_actor: Actor, patient: Patient) -> None:
    # given
    note_for(patient, {"impression": "Rotator cuff strain"})
    note_for(patient, {"impression": "Rotator cuff tear, full thickness"})
    # when
    result = _search(provider_actor, patient, "rotator tear")
    # then
    assert _kinds(result) == {"notes": 1}


def test_another_patients_and_another_clinics_records_are_not_found(
    provider_actor: Actor, patient: Patient, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given the same word in another patient's chart and another clinic
    note_for(PatientFactory(clinic=clinic), {"impression": "Scoliosis"})
    elsewhere = PatientFactory(clinic=other_clinic)
    note_for(elsewhere, {"impression": "Scoliosis"})
    document_for(elsewhere, text="Scoliosis series")
    addendum_for(elsewhere, "Scoliosis noted")
    # when
    mine = _search(provider_actor, patient, "scoliosis")
    clinic_wide = search_clinic(
        actor=provider_actor,
        terms=parse_terms("scoliosis"),
        sort="relevance",
        page=1,
        page_size=20,
    )
    # then
    assert mine.groups == []
    assert clinic_wide.patient_count == 1
    assert [r.patient.clinic_id for r in clinic_wide.results] == [clinic.pk]


def test_stored_markup_is_escaped_with_only_our_marks(
    provider_actor: Actor, patient: Patient
) -> None:
    # given text holding HTML
    note_for(
        patient,
        {"impression": 'Meniscus <script>alert("x")</script> <b>tear</b>'},
    )
    # when
    result = _search(provider_actor, patient, "meniscus")
    # then: PostgreSQL's headline drops the tags, SQLite's escapes them;
    # either way the only markup is our one <mark>
    snippet = str(result.groups[0].hits[0].snippet)
    assert snippet.count("<mark>") == 1
    rest = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in rest
    assert ">" not in rest
    assert '"' not in rest
    assert "alert(&quot;x&quot;)" in rest


def test_a_chart_search_records_one_view_of_the_patient(
    provider_actor: Actor, patient: Patient
) -> None:
    # given
    note_for(patient, {"impression": "Osteoarthritis knee"})
    note_for(patient, {"impression": "Osteoarthritis hip"})
    # when
    _search(provider_actor, patient, "osteoarthritis")
    # then
    entry = AuditEntry.objects.get(action="view")
    assert entry.patient_id == patient.pk
    assert entry.object_id == str(patient.pk)
    assert "osteoarthritis" not in entry.payload().casefold()


def test_the_clinic_search_records_one_view_per_patient_shown(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given three patients with matches, two hits for the first
    patients = [PatientFactory(clinic=clinic) for _ in range(3)]
    note_for(patients[0], {"impression": "Bursitis"})
    document_for(patients[0], text="Bursitis of the hip")
    note_for(patients[1], {"impression": "Bursitis"})
    addendum_for(patients[2], "Also bursitis")
    # when a page of two patients is shown
    first = search_clinic(
        actor=provider_actor,
        terms=parse_terms("bursitis"),
        sort="date",
        page=1,
        page_size=2,
    )
    # then
    views = AuditEntry.objects.filter(action="view")
    shown = {r.patient.pk for r in first.results}
    assert len(shown) == 2
    assert set(views.values_list("patient_id", flat=True)) == shown
    assert views.count() == 2
    assert all("bursitis" not in v.payload().casefold() for v in views)
    assert first.patient_count == 3
    assert first.page_count == 2


def test_the_clinic_search_pages_through_patients(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    patients = [PatientFactory(clinic=clinic) for _ in range(3)]
    for p in patients:
        note_for(p, {"impression": "Sciatica"})
    terms = parse_terms("sciatica")
    # when
    pages = [
        search_clinic(
            actor=provider_actor, terms=terms, sort="date", page=n, page_size=2
        )
        for n in (1, 2, 3)
    ]
    # then every patient shows once, on one page
    seen = [r.patient.pk for page in pages for r in page.results]
    assert sorted(seen) == sorted(p.pk for p in patients)
    assert [len(p.results) for p in pages] == [2, 1, 0]


def test_relevance_puts_the_patient_with_most_matches_first(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given an older chart with three matches and a newer one with one
    older, newer = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    for n in range(3):
        note_for(older, {"impression": f"Hip dysplasia {n}"})
    note_for(newer, {"impression": "Hip dysplasia"})
    terms = parse_terms("dysplasia")
    # when
    by_relevance, by_date = (
        search_clinic(actor=provider_actor, terms=terms, sort=s, page=1, page_size=5)
        for s in ("relevance", "date")
    )
    # then
    assert [r.patient for r in by_relevance.results] == [older, newer]
    assert [r.match_count for r in by_relevance.results] == [3, 1]
    assert [r.patient for r in by_date.results] == [newer, older]


def test_the_clinic_search_shows_at_most_three_hits_per_patient(
    provider_actor: Actor, patient: Patient
) -> None:
    # given five matching records of one patient
    for n in range(5):
        note_for(patient, {"impression": f"Whiplash follow-up {n}"})
    # when
    result = search_clinic(
        actor=provider_actor,
        terms=parse_terms("whiplash"),
        sort="relevance",
        page=1,
        page_size=20,
    )
    # then
    (entry,) = result.results
    assert entry.match_count == 5
    assert len(entry.hits) == 3


def test_the_system_actor_finds_across_the_clinic(clinic: Clinic) -> None:
    patient = PatientFactory(clinic=clinic)
    note_for(patient, {"impression": "Gout"})
    result = search_clinic(
        actor=system_actor_for(clinic),
        terms=parse_terms("gout"),
        sort="relevance",
        page=1,
        page_size=10,
    )
    assert [r.patient.pk for r in result.results] == [patient.pk]
