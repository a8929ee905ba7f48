"""The search pages over HTTP: roles, refusals with a named field (422),
htmx partials, escaping, flat query counts, nothing logged."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.tests.factories import MedicationFactory, ProblemFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.search.tests.factories import addendum_for, document_for, note_for
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ADMIN, BILLING, FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import make_member

pytestmark = pytest.mark.django_db

CLINIC_URL = reverse("search:clinic-search")
# Session, user, membership, roles; the patient; one query per source (5);
# the view entry (savepoint, chain read, insert, chain update, release).
PATIENT_QUERIES = 4 + 1 + 5 + 5
# Session, user, membership, roles; the ranking; one query per source (5);
# the transaction around the view entries (2), then five per patient shown.
CLINIC_QUERIES = 4 + 1 + 5 + 2
PER_PATIENT_SHOWN = 5


def _patient_url(patient: Patient) -> str:
    return reverse("search:patient-search", kwargs={"patient_id": patient.pk})


def _client(clinic: Clinic, role: str) -> Client:
    client = Client()
    client.force_login(make_member(clinic, [role]).user)
    return client


def _full_chart(patient: Patient, word: str, copies: int) -> None:
    for n in range(copies):
        note_for(patient, {"impression": f"{word} {n}"})
        addendum_for(patient, f"{word} addendum {n}")
        document_for(patient, title=f"{word} letter {n}", text=f"{word} text")
        ProblemFactory(clinic=patient.clinic, patient=patient, display=word)
        MedicationFactory(clinic=patient.clinic, patient=patient, name=word)


def test_a_provider_finds_a_note_in_the_patients_chart(
    provider_client: Client, patient: Patient
) -> None:
    # given
    note = note_for(patient, {"impression": "Hallux valgus, left"})
    # when
    response = provider_client.get(_patient_url(patient), {"q": "valgus"})
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/charting/notes/{note.pk}/"' in body
    assert "<mark>valgus</mark>" in body
    assert 'aria-current="page">Search</a>' in body


def test_the_page_before_a_search_shows_the_box_and_records_the_view(
    provider_client: Client, patient: Patient
) -> None:
    response = provider_client.get(_patient_url(patient))
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()
    assert AuditEntry.objects.filter(action="view", patient_id=patient.pk).count() == 1


@pytest.mark.parametrize("role", [OWNER, PROVIDER])
def test_chart_readers_may_search_the_clinic(clinic: Clinic, role: str) -> None:
    patient = PatientFactory(clinic=clinic)
    note_for(patient, {"impression": "Capsulitis"})
    response = _client(clinic, role).get(CLINIC_URL, {"q": "capsulitis"})
    assert response.status_code == 200
    assert patient.full_name in response.content.decode()


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING, ADMIN])
def test_roles_without_chart_view_are_refused(
    clinic: Clinic, patient: Patient, role: str
) -> None:
    # given
    note_for(patient, {"impression": "Capsulitis"})
    client = _client(clinic, role)
    # when
    clinic_wide = client.get(CLINIC_URL, {"q": "capsulitis"})
    chart = client.get(_patient_url(patient), {"q": "capsulitis"})
    # then
    assert clinic_wide.status_code == 403
    assert chart.status_code == 403
    assert "Capsulitis" not in clinic_wide.content.decode()
    assert not AuditEntry.objects.filter(action="view").exists()
    assert AuditEntry.objects.filter(outcome="denied").count() == 2


def test_another_clinics_patient_is_not_found(
    provider_client: Client, other_clinic: Clinic
) -> None:
    elsewhere = PatientFactory(clinic=other_clinic)
    response = provider_client.get(_patient_url(elsewhere), {"q": "knee"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Search this chart: enter a word to search for."),
        ({"q": "   "}, "Search this chart: enter a word to search for."),
        ({"q": "a"}, "Search this chart: enter a word of at least 2"),
        ({"q": "x" * 201}, "Search this chart: use at most 200 characters"),
        ({"q": "knee", "sort": "name"}, "Sort: Select a valid choice."),
        ({"q": "knee", "debug": "1"}, "Unknown search parameter: debug."),
    ],
)
def test_bad_input_on_the_chart_search_is_refused_naming_the_field(
    provider_client: Client, patient: Patient, params: dict[str, str], message: str
) -> None:
    # given
    note_for(patient, {"impression": "Knee pain"})
    # when
    response = provider_client.get(_patient_url(patient), params)
    # then
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "<mark>" not in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Search the clinic&#x27;s charts: enter a word"),
        ({"q": "knee", "page": "0"}, "Page: Ensure this value is greater than"),
        ({"q": "knee", "page": "51"}, "Page: Ensure this value is less than"),
        ({"q": "knee", "page": "two"}, "Page: Enter a whole number."),
        ({"q": "knee", "size": "500"}, "Patients per page: Select a valid choice."),
        ({"q": "knee", "patient": "x"}, "Unknown search parameter: patient."),
    ],
)
def test_bad_input_on_the_clinic_search_is_refused_naming_the_field(
    provider_client: Client, patient: Patient, params: dict[str, str], message: str
) -> None:
    # given
    note_for(patient, {"impression": "Knee pain"})
    # when
    response = provider_client.get(CLINIC_URL, params)
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="view").exists()


@pytest.mark.parametrize("query", ["knee\x00", "the", "-knee", "'a:b' & | ! <->", "é"])
def test_odd_queries_never_fail(
    provider_client: Client, patient: Patient, query: str
) -> None:
    note_for(patient, {"impression": "Knee pain"})
    chart = provider_client.get(_patient_url(patient), {"q": query})
    clinic_wide = provider_client.get(CLINIC_URL, {"q": query})
    assert chart.status_code in {200, 422}
    assert clinic_wide.status_code in {200, 422}


def test_an_htmx_search_gets_the_results_partial(
    provider_client: Client, patient: Patient
) -> None:
    # given
    note_for(patient, {"impression": "Hamstring strain"})
    # when
    response = provider_client.get(
        _patient_url(patient), {"q": "hamstring"}, headers={"HX-Request": "true"}
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "<mark>Hamstring</mark>" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_an_invalid_htmx_search_gets_the_errors_in_the_partial(
    provider_client: Client, patient: Patient
) -> None:
    response = provider_client.get(
        _patient_url(patient), {"q": "!"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_markup_in_a_document_is_shown_as_text(
    provider_client: Client, patient: Patient
) -> None:
    # given a title the search cannot strip (no tag parser on titles in SQLite,
    # none that keeps it on PostgreSQL)
    document_for(patient, title="Sprain <script>alert(1)</script>", text="")
    # when
    response = provider_client.get(_patient_url(patient), {"q": "sprain"})
    # then
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "<mark>Sprain</mark>" in body


def test_the_clinic_search_lists_patients_and_links_their_chart_search(
    provider_client: Client, clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(clinic=clinic)
    _full_chart(patient, "Tarsal", copies=2)
    # when
    response = provider_client.get(CLINIC_URL, {"q": "tarsal", "sort": "date"})
    # then
    body = response.content.decode()
    assert patient.full_name in body
    assert "All 10 matches in this chart" in body
    assert f"{_patient_url(patient)}?q=tarsal" in body


def test_the_clinic_search_pager_keeps_the_query(
    provider_client: Client, clinic: Clinic
) -> None:
    for _ in range(11):
        note_for(PatientFactory(clinic=clinic), {"impression": "Bunion"})
    response = provider_client.get(CLINIC_URL, {"q": "bunion", "size": "10"})
    body = response.content.decode()
    assert "Page 1 of 2" in body
    assert "?q=bunion&amp;size=10&amp;page=2" in body
    second = provider_client.get(CLINIC_URL, {"q": "bunion", "size": "10", "page": 2})
    assert second.content.decode().count('class="card search-patient"') == 1


@pytest.mark.parametrize("copies", [1, 4])
def test_the_chart_search_runs_a_fixed_number_of_queries(
    provider_client: Client,
    patient: Patient,
    copies: int,
    django_assert_num_queries: object,
) -> None:
    # given one or four matching records of every kind (and the session and
    # audit chain warmed by a first visit)
    _full_chart(patient, "Metatarsalgia", copies=copies)
    provider_client.get(_patient_url(patient))
    # when / then
    with django_assert_num_queries(PATIENT_QUERIES):  # type: ignore[operator]
        response = provider_client.get(_patient_url(patient), {"q": "metatarsalgia"})
    assert response.status_code == 200


@pytest.mark.parametrize("copies", [1, 3])
def test_the_clinic_search_runs_a_fixed_number_of_queries_per_patient_shown(
    provider_client: Client,
    clinic: Clinic,
    copies: int,
    django_assert_num_queries: object,
) -> None:
    # given two patients with one or three matching records of every kind
    for _ in range(2):
        _full_chart(PatientFactory(clinic=clinic), "Neuroma", copies=copies)
    provider_client.get(CLINIC_URL, {"q": "neuroma"})  # warm session and chain
    # when / then: the reads do not grow with the matches
    queries = CLINIC_QUERIES + 2 * PER_PATIENT_SHOWN
    with django_assert_num_queries(queries):  # type: ignore[operator]
        response = provider_client.get(CLINIC_URL, {"q": "neuroma"})
    assert response.status_code == 200


def test_the_query_text_is_not_logged_or_audited(
    provider_client: Client, patient: Patient, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    note_for(patient, {"impression": "Chondromalacia"})
    caplog.set_level(logging.DEBUG)
    # when
    provider_client.get(_patient_url(patient), {"q": "chondromalacia"})
    provider_client.get(CLINIC_URL, {"q": "chondromalacia"})
    # then
    assert "chondromalacia" not in caplog.text.casefold()
    entries = AuditEntry.objects.filter(action="view")
    assert entries.count() == 2
    assert all("chondromalacia" not in e.payload().casefold() for e in entries)
