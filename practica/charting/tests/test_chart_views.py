"""The chart page, its add and status forms, and the code search."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.models import Allergy, Problem, VitalSigns
from practica.charting.tests.factories import (
    AllergyFactory,
    ChartAlertFactory,
    ImmunizationFactory,
    MedicalHistoryFactory,
    MedicationFactory,
    ProblemFactory,
    VitalSignsFactory,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import make_member

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Session, user, membership, roles; patient; the view audit entry (savepoint,
# chain, insert, chain update, release); six lists; upcoming and last visits;
# the patient's overdue drafts (the clinic's limit in a subquery); the
# flagged lab results of the past year; the chart alerts.
QUERIES_CHART = 21
# The same plus the balance (one ledger sum) for a role holding billing.view.
QUERIES_CHART_WITH_BALANCE = QUERIES_CHART + 1

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)


@pytest.fixture
def provider_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [PROVIDER]))


def _chart(patient: Patient) -> str:
    return reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})


def _fill(patient: Patient, rows: int) -> None:
    clinic = patient.clinic
    for factory in (
        ProblemFactory,
        AllergyFactory,
        MedicationFactory,
        ImmunizationFactory,
        VitalSignsFactory,
        MedicalHistoryFactory,
        ChartAlertFactory,
    ):
        factory.create_batch(rows, clinic=clinic, patient=patient)


@pytest.mark.parametrize("rows", [1, 8])
def test_chart_page_query_count_is_constant(
    patient: Patient,
    provider_client: Client,
    rows: int,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    _fill(patient, rows)
    provider_client.get(_chart(patient))  # warm the session
    # when
    with django_assert_num_queries(QUERIES_CHART):  # type: ignore[operator]
        response = provider_client.get(_chart(patient))
    # then
    assert response.status_code == 200
    assert (
        response.content.decode().count('class="chart-row-active"') == 5 * rows
    )  # problems, allergies, medications, history, alerts


def test_chart_page_shows_the_balance_only_to_billing_viewers(
    clinic: Clinic,
    patient: Patient,
    client_for: ClientFor,
    provider_client: Client,
    django_assert_num_queries: Callable[..., object],
) -> None:
    # given
    owner = client_for(make_member(clinic, [OWNER]))
    owner.get(_chart(patient))
    # when
    with django_assert_num_queries(QUERIES_CHART_WITH_BALANCE):  # type: ignore[operator]
        owner_page = owner.get(_chart(patient)).content.decode()
    provider_page = provider_client.get(_chart(patient)).content.decode()
    # then
    assert "Outstanding balance" in owner_page
    assert "Outstanding balance" not in provider_page
    assert "Add a problem" not in owner_page  # the owner reads, does not edit


def test_chart_page_view_is_audited_once_with_the_patient(
    patient: Patient, provider_client: Client
) -> None:
    # given
    AllergyFactory(clinic=patient.clinic, patient=patient, substance="Penicillin")
    before = AuditEntry.objects.filter(action="view").count()
    # when
    response = provider_client.get(_chart(patient))
    # then
    assert "Penicillin" in response.content.decode()
    views = AuditEntry.objects.filter(action="view")
    assert views.count() == before + 1
    assert views.order_by("-seq")[0].patient_id == patient.pk


def test_banner_shows_active_allergies_and_problems(
    patient: Patient, provider_client: Client
) -> None:
    # given
    AllergyFactory(
        clinic=patient.clinic,
        patient=patient,
        substance="Penicillin",
        severity=Allergy.Severity.SEVERE,
    )
    ProblemFactory(clinic=patient.clinic, patient=patient, status="resolved")
    # when
    response = provider_client.get(_chart(patient), **HTMX)
    # then: the htmx request gets the banner partial only
    html = response.content.decode()
    assert html.strip().startswith('<section id="chart-banner"')
    assert "Penicillin" in html
    assert '<span class="badge danger">Penicillin (Hives) · Severe</span>' in html
    assert "M54.50" not in html  # the only problem is resolved
    assert "Allergies</h2>" not in html


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
@pytest.mark.parametrize(
    ("name", "method"),
    [("chart-detail", "get"), ("problem-create", "post"), ("allergy-create", "post")],
)
def test_chart_urls_forbid_roles_without_chart_access(
    clinic: Clinic,
    patient: Patient,
    client_for: ClientFor,
    role: str,
    name: str,
    method: str,
) -> None:
    client = client_for(make_member(clinic, [role]))
    url = reverse(f"charting:{name}", kwargs={"patient_id": patient.pk})
    response = getattr(client, method)(url)
    assert response.status_code == 403


def test_add_problem_redirects_to_its_section(
    patient: Patient, provider_client: Client
) -> None:
    # when
    response = provider_client.post(
        reverse("charting:problem-create", kwargs={"patient_id": patient.pk}),
        {"code": "F41.1 Generalized anxiety disorder", "onset_on": "2025-11-02"},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == _chart(patient) + "#chart-problems"
    problem = Problem.objects.get(patient=patient)
    assert (problem.code, problem.display) == ("F41.1", "Generalized anxiety disorder")


def test_add_problem_over_htmx_returns_the_section(
    patient: Patient, provider_client: Client
) -> None:
    response = provider_client.post(
        reverse("charting:problem-create", kwargs={"patient_id": patient.pk}),
        {"code": "E11.9"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "chart-changed"
    html = response.content.decode()
    assert html.strip().startswith('<section id="chart-problems"')
    assert "Type 2 diabetes mellitus without complications" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_bad_vitals_get_422_naming_the_field_and_change_nothing(
    patient: Patient, provider_client: Client, htmx: bool
) -> None:
    # when
    response = provider_client.post(
        reverse("charting:vitals-create", kwargs={"patient_id": patient.pk}),
        {"taken_at": "2026-01-05T10:00", "systolic": "400", "diastolic": "80"},
        **(HTMX if htmx else {}),
    )
    # then
    assert response.status_code == 422
    assert (
        "Systolic BP: Ensure this value is less than or equal to 260."
        in response.content.decode()
    )
    assert not VitalSigns.objects.exists()


def test_bad_problem_code_gets_422(patient: Patient, provider_client: Client) -> None:
    response = provider_client.post(
        reverse("charting:problem-create", kwargs={"patient_id": patient.pk}),
        {"code": "NOPE"},
    )
    assert response.status_code == 422
    assert (
        "ICD-10 code: Choose a code from the ICD-10-CM list."
        in response.content.decode()
    )
    assert not Problem.objects.exists()


def test_status_change_resolves_a_problem(
    patient: Patient, provider_client: Client
) -> None:
    # given
    problem = ProblemFactory(clinic=patient.clinic, patient=patient)
    # when
    response = provider_client.post(
        reverse("charting:problem-status", kwargs={"problem_id": problem.pk}),
        {"status": "resolved", "reason": "Recovered"},
    )
    # then
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.status_reason) == ("resolved", "Recovered")


def test_status_change_without_a_reason_for_an_error_gets_422(
    patient: Patient, provider_client: Client
) -> None:
    allergy = AllergyFactory(clinic=patient.clinic, patient=patient)
    response = provider_client.post(
        reverse("charting:allergy-status", kwargs={"allergy_id": allergy.pk}),
        {"status": "entered_in_error"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Reason: say why the entry was entered in error." in (
        response.content.decode()
    )
    allergy.refresh_from_db()
    assert allergy.status == "active"


def test_code_search_returns_options(provider_client: Client) -> None:
    response = provider_client.get(
        reverse("charting:code-search"),
        {"system": "icd10", "q": "low back", "limit": 2},
    )
    assert response.status_code == 200
    assert response.content.decode().count("<option") == 2
    assert '<option value="M54.50">M54.50 Low back pain, unspecified</option>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "back", "patient": "x"}, "Unknown parameter: patient."),
        ({"system": "cpt", "q": "x"}, "system: Use icd10 or cvx."),
        ({"q": "back", "limit": "500"}, "limit: Use 1 to 50."),
        ({"q": "back", "limit": "many"}, "limit: Enter a whole number."),
    ],
)
def test_code_search_refuses_bad_parameters(
    provider_client: Client, params: dict[str, str], message: str
) -> None:
    response = provider_client.get(reverse("charting:code-search"), params)
    assert response.status_code == 422
    assert message in response.content.decode()
