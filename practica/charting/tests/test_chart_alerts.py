"""Chart alerts: added and changed through the chart's list services, shown
in the banner when active and unexpired, critical first, with the severity
in the text."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.charting.errors import ChartEntryInvalidError, ChartPermissionError
from practica.charting.models import ChartAlert
from practica.charting.services_chart import add_alert, change_entry_status
from practica.charting.tests.factories import ChartAlertFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = datetime.date(2026, 3, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel("2026-03-10 15:00Z", tick=False):
        yield


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)


@pytest.fixture
def provider_client(clinic: Clinic, client_for: ClientFor) -> Client:
    return client_for(make_member(clinic, [PROVIDER]))


def _chart(patient: Patient) -> str:
    return reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})


def _add_url(patient: Patient) -> str:
    return reverse("charting:alert-create", kwargs={"patient_id": patient.pk})


def _banner(client: Client, patient: Patient) -> str:
    response = client.get(_chart(patient), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


# --- Services ------------------------------------------------------------------


def test_add_alert_records_it_and_audits(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    alert = add_alert(
        actor=provider_actor,
        patient=patient,
        category="interpreter",
        severity="info",
        text="  Punjabi  ",
        expires_on=TODAY,
    )
    # then
    assert (alert.category, alert.severity, alert.text, alert.status) == (
        "interpreter",
        "info",
        "Punjabi",
        "active",
    )
    assert alert.expires_on == TODAY
    assert alert.recorded_by == provider_actor.membership
    entry = AuditEntry.objects.get(action="create", object_id=str(alert.pk))
    assert entry.patient_id == patient.pk


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"category": "other", "severity": "warning"},
            {"text": ["Details: Say what the alert is about."]},
        ),
        (
            {"category": "interpreter", "severity": "info", "text": "   "},
            {"text": ["Details: Name the language the interpreter is needed for."]},
        ),
        (
            {"category": "fall_risk", "severity": "urgent"},
            {"severity": ["Severity: Value 'urgent' is not a valid choice."]},
        ),
        (
            {"category": "", "severity": "info"},
            {"category": ["Category: This field cannot be blank."]},
        ),
        (
            {
                "category": "fall_risk",
                "severity": "info",
                "expires_on": datetime.date(2026, 3, 9),
            },
            {"expires_on": ["Expires on: cannot be in the past."]},
        ),
        (
            {"category": "chaperone", "severity": "info", "text": "x" * 201},
            {
                "text": [
                    "Details: Ensure this value has at most 200 characters "
                    "(it has 201)."
                ]
            },
        ),
    ],
)
def test_add_alert_names_the_field_it_refuses(
    provider_actor: Actor,
    patient: Patient,
    fields: dict[str, object],
    errors: dict[str, list[str]],
) -> None:
    # when
    with pytest.raises(ChartEntryInvalidError) as caught:
        add_alert(actor=provider_actor, patient=patient, **fields)  # type: ignore[arg-type]  # parametrized
    # then
    assert caught.value.errors == errors
    assert not ChartAlert.objects.exists()


def test_the_database_refuses_an_other_alert_without_details(
    clinic: Clinic,
) -> None:
    with pytest.raises(IntegrityError):
        ChartAlertFactory(clinic=clinic, category="other", text="")


def test_adding_an_alert_needs_chart_edit(clinic: Clinic, patient: Patient) -> None:
    front_desk = actor_for(make_member(clinic, [FRONT_DESK]))
    with pytest.raises(ChartPermissionError):
        add_alert(
            actor=front_desk, patient=patient, category="fall_risk", severity="info"
        )
    assert not ChartAlert.objects.exists()


def test_adding_an_alert_to_another_clinics_patient_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    stranger = PatientFactory(clinic=other_clinic)
    with pytest.raises(ChartPermissionError):
        add_alert(
            actor=provider_actor,
            patient=stranger,
            category="fall_risk",
            severity="info",
        )


def test_alert_entered_in_error_needs_a_reason_and_is_final(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    alert = ChartAlertFactory(clinic=clinic)
    # when / then: no reason
    with pytest.raises(ChartEntryInvalidError) as caught:
        change_entry_status(
            actor=provider_actor, entry=alert, status="entered_in_error"
        )
    assert caught.value.errors == {
        "reason": ["Reason: say why the entry was entered in error."]
    }
    # when / then: with a reason, then any further change is refused
    changed = change_entry_status(
        actor=provider_actor,
        entry=alert,
        status="entered_in_error",
        reason="Wrong patient",
    )
    assert (changed.status, changed.status_reason) == (
        "entered_in_error",
        "Wrong patient",
    )
    entry = AuditEntry.objects.get(action="status", object_id=str(alert.pk))
    assert entry.detail == "active -> entered_in_error"
    with pytest.raises(ChartEntryInvalidError):
        change_entry_status(actor=provider_actor, entry=alert, status="active")


def test_alerts_are_never_deleted(clinic: Clinic) -> None:
    alert = ChartAlertFactory(clinic=clinic)
    with pytest.raises(IntegrityError):
        alert.delete()
    with pytest.raises(IntegrityError):
        ChartAlert.objects.filter(pk=alert.pk).delete()
    assert ChartAlert.objects.filter(pk=alert.pk).exists()


# --- The banner ------------------------------------------------------------------


def test_banner_shows_active_alerts_critical_first_with_the_severity_in_words(
    patient: Patient, provider_client: Client
) -> None:
    # given: created info, critical, warning (newest last)
    clinic = patient.clinic
    ChartAlertFactory(
        clinic=clinic,
        patient=patient,
        category="interpreter",
        text="Punjabi",
        severity="info",
    )
    ChartAlertFactory(
        clinic=clinic,
        patient=patient,
        category="self_harm_risk",
        text="PHQ-9 item 9 positive",
        severity="critical",
    )
    ChartAlertFactory(
        clinic=clinic,
        patient=patient,
        category="fall_risk",
        text="",
        severity="warning",
    )
    # when
    html = _banner(provider_client, patient)
    # then
    critical = (
        '<span class="badge danger">Critical: Suicide or self-harm risk'
        " (PHQ-9 item 9 positive)</span>"
    )
    warning = '<span class="badge warn">Warning: Fall risk</span>'
    info = '<span class="badge">Info: Interpreter needed (Punjabi)</span>'
    assert critical in html
    assert warning in html
    assert info in html
    assert html.index(critical) < html.index(warning) < html.index(info)
    assert 'aria-label="Alerts"' in html


def test_banner_hides_expired_inactive_and_erroneous_alerts(
    patient: Patient, provider_client: Client
) -> None:
    # given
    clinic = patient.clinic
    ChartAlertFactory(
        clinic=clinic,
        patient=patient,
        text="Expired yesterday",
        expires_on=datetime.date(2026, 3, 9),
    )
    ChartAlertFactory(
        clinic=clinic,
        patient=patient,
        text="Expires today",
        expires_on=TODAY,
    )
    ChartAlertFactory(
        clinic=clinic, patient=patient, text="Inactive", status="inactive"
    )
    ChartAlertFactory(
        clinic=clinic, patient=patient, text="Mistake", status="entered_in_error"
    )
    # when
    banner = _banner(provider_client, patient)
    page = provider_client.get(_chart(patient)).content.decode()
    # then: the banner shows the one still in force; the list shows all four
    assert "Warning: Fall risk (Expires today) · until 10 Mar 2026" in banner
    for hidden in ("Expired yesterday", "Inactive", "Mistake"):
        assert hidden not in banner
        assert hidden in page
    assert "Active (expired)" in page


def test_banner_says_when_there_are_no_alerts(
    patient: Patient, provider_client: Client
) -> None:
    assert "No active alerts." in _banner(provider_client, patient)


def test_other_patients_alerts_stay_off_the_banner(
    patient: Patient, provider_client: Client
) -> None:
    ChartAlertFactory(clinic=patient.clinic, text="Someone else's alert")
    assert "Someone else" not in _banner(provider_client, patient)


# --- The add and status forms -----------------------------------------------------


def test_add_alert_redirects_to_its_section(
    patient: Patient, provider_client: Client
) -> None:
    # when
    response = provider_client.post(
        _add_url(patient),
        {
            "category": "latex_free",
            "severity": "warning",
            "text": "",
            "expires_on": "",
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == _chart(patient) + "#chart-alerts"
    alert = ChartAlert.objects.get(patient=patient)
    assert (alert.category, alert.severity, alert.expires_on) == (
        "latex_free",
        "warning",
        None,
    )


def test_add_alert_over_htmx_returns_the_section_and_refreshes_the_banner(
    patient: Patient, provider_client: Client
) -> None:
    response = provider_client.post(
        _add_url(patient),
        {"category": "chaperone", "severity": "info", "text": "<b>Prefers</b>"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "chart-changed"
    html = response.content.decode()
    assert html.strip().startswith('<section id="chart-alerts"')
    assert "Chaperone requested" in html
    assert "&lt;b&gt;Prefers&lt;/b&gt;" in html
    assert "<b>Prefers</b>" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_bad_alert_gets_422_naming_the_field_and_changes_nothing(
    patient: Patient, provider_client: Client, htmx: bool
) -> None:
    # when
    response = provider_client.post(
        _add_url(patient),
        {"category": "interpreter", "severity": "info", "text": ""},
        **(HTMX if htmx else {}),
    )
    # then
    assert response.status_code == 422
    assert "Name the language the interpreter is needed for." in (
        response.content.decode()
    )
    assert not ChartAlert.objects.exists()


def test_every_bad_field_is_named_at_once(
    patient: Patient, provider_client: Client
) -> None:
    # when: no language for the interpreter and an expiry in the past
    response = provider_client.post(
        _add_url(patient),
        {"category": "interpreter", "severity": "info", "expires_on": "2026-01-01"},
        **HTMX,
    )
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "Details: Name the language the interpreter is needed for." in html
    assert "Expires on: Cannot be in the past." in html
    assert not ChartAlert.objects.exists()


def test_add_form_ids_are_the_lists_own(
    patient: Patient, provider_client: Client
) -> None:
    # Allergies and alerts both have a severity; each label finds its field.
    html = provider_client.get(_chart(patient)).content.decode()
    assert '<label for="alerts-severity">' in html
    assert '<label for="allergies-severity">' in html
    assert 'id="id_severity"' not in html


def test_inactivating_an_alert_takes_it_off_the_banner(
    patient: Patient, provider_client: Client
) -> None:
    # given
    alert = ChartAlertFactory(clinic=patient.clinic, patient=patient)
    # when
    response = provider_client.post(
        reverse("charting:alert-status", kwargs={"alert_id": alert.pk}),
        {"status": "inactive", "reason": "Walks unaided now"},
        **HTMX,
    )
    # then
    assert response.status_code == 200
    assert response["HX-Trigger"] == "chart-changed"
    alert.refresh_from_db()
    assert (alert.status, alert.status_reason) == ("inactive", "Walks unaided now")
    assert "Warning: Fall risk" not in _banner(provider_client, patient)


def test_alert_in_error_without_a_reason_gets_422(
    patient: Patient, provider_client: Client
) -> None:
    alert = ChartAlertFactory(clinic=patient.clinic, patient=patient)
    response = provider_client.post(
        reverse("charting:alert-status", kwargs={"alert_id": alert.pk}),
        {"status": "entered_in_error"},
    )
    assert response.status_code == 422
    assert "Reason: say why the entry was entered in error." in (
        response.content.decode()
    )
    alert.refresh_from_db()
    assert alert.status == "active"


@pytest.mark.parametrize("role", [FRONT_DESK, BILLING])
def test_roles_without_chart_access_get_403(
    clinic: Clinic, patient: Patient, client_for: ClientFor, role: str
) -> None:
    # given
    client = client_for(make_member(clinic, [role]))
    alert = ChartAlertFactory(clinic=clinic, patient=patient)
    # when
    add = client.post(_add_url(patient), {"category": "fall_risk", "severity": "info"})
    status = client.post(
        reverse("charting:alert-status", kwargs={"alert_id": alert.pk}),
        {"status": "inactive"},
    )
    # then
    assert (add.status_code, status.status_code) == (403, 403)
    assert ChartAlert.objects.get().status == "active"


def test_another_clinics_alert_is_not_found(
    other_clinic: Clinic, provider_client: Client
) -> None:
    alert = ChartAlertFactory(clinic=other_clinic)
    response = provider_client.post(
        reverse("charting:alert-status", kwargs={"alert_id": alert.pk}),
        {"status": "inactive", "reason": "x"},
    )
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "active"
