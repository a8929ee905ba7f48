"""Services of the chart's clinical lists: validation naming fields, status
changes audited, nothing ever deleted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.charting.errors import ChartEntryInvalidError, ChartPermissionError
from practica.charting.models import Allergy, Medication, Problem
from practica.charting.services_chart import (
    add_allergy,
    add_history_entry,
    add_immunization,
    add_medication,
    add_problem,
    change_entry_status,
    record_vital_signs,
)
from practica.charting.tests.factories import (
    AllergyFactory,
    MedicationFactory,
    ProblemFactory,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import actor_for, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel("2026-03-10 15:00Z", tick=False):
        yield


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)


def test_add_problem_takes_the_title_from_the_shipped_list_and_audits(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    problem = add_problem(
        actor=provider_actor,
        patient=patient,
        code="m5450",
        onset_on=datetime.date(2026, 2, 1),
    )
    # then
    assert (problem.code, problem.display) == ("M54.50", "Low back pain, unspecified")
    assert problem.status == Problem.Status.ACTIVE
    assert problem.recorded_by == provider_actor.membership
    entry = AuditEntry.objects.get(action="create", object_id=str(problem.pk))
    assert entry.patient_id == patient.pk


def test_add_problem_refuses_an_unknown_code_and_a_future_onset(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    with pytest.raises(ChartEntryInvalidError) as caught:
        add_problem(
            actor=provider_actor,
            patient=patient,
            code="ZZ9",
            onset_on=datetime.date(2026, 3, 11),
        )
    # then
    assert caught.value.errors == {
        "code": ["ICD-10 code: choose a code from the ICD-10-CM list."],
        "onset_on": ["Onset: cannot be in the future."],
    }
    assert Problem.objects.count() == 0


def test_add_immunization_codes_from_cvx(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    shot = add_immunization(
        actor=provider_actor,
        patient=patient,
        code="158",
        given_on=datetime.date(2025, 10, 20),
        lot="AB12",
        site="left deltoid",
    )
    # then
    assert shot.display == "Influenza, injectable, quadrivalent, contains preservative"


def test_add_immunization_refuses_an_unknown_cvx(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(ChartEntryInvalidError) as caught:
        add_immunization(
            actor=provider_actor,
            patient=patient,
            code="9999",
            given_on=datetime.date(2025, 10, 20),
        )
    assert caught.value.errors == {
        "code": ["CVX code: choose a vaccine from the CVX list."]
    }


def test_add_allergy_names_missing_fields(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(ChartEntryInvalidError) as caught:
        add_allergy(actor=provider_actor, patient=patient, substance="", severity="x")
    assert caught.value.errors == {
        "substance": ["Substance: This field cannot be blank."],
        "severity": ["Severity: Value 'x' is not a valid choice."],
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"systolic": 300, "diastolic": 80},
            {
                "systolic": [
                    "Systolic BP: Ensure this value is less than or equal to 260."
                ]
            },
        ),
        (
            {"systolic": 80, "diastolic": 90},
            {"__all__": ["Systolic BP: must be above the diastolic pressure."]},
        ),
        (
            {"systolic": 120},
            {"diastolic": ["Diastolic BP: enter both blood pressure numbers."]},
        ),
        (
            {"spo2": 101},
            {"spo2": ["SpO2 (%): Ensure this value is less than or equal to 100."]},
        ),
        (
            {"temperature_c": Decimal("29.9")},
            {
                "temperature_c": [
                    "Temperature (°C): Ensure this value is greater than or equal"
                    " to 30.0."
                ]
            },
        ),
        ({}, {"__all__": ["Enter at least one measurement."]}),
    ],
)
def test_record_vital_signs_validates_ranges_naming_the_field(
    provider_actor: Actor,
    patient: Patient,
    fields: dict[str, object],
    errors: dict[str, list[str]],
) -> None:
    with pytest.raises(ChartEntryInvalidError) as caught:
        record_vital_signs(
            actor=provider_actor, patient=patient, taken_at=timezone.now(), **fields
        )
    assert caught.value.errors == errors


def test_record_vital_signs_stores_a_full_set(
    provider_actor: Actor, patient: Patient
) -> None:
    vitals = record_vital_signs(
        actor=provider_actor,
        patient=patient,
        taken_at=timezone.now(),
        systolic=128,
        diastolic=82,
        pulse=71,
        height_cm=Decimal("172.0"),
        weight_kg=Decimal("80.0"),
    )
    assert vitals.bmi == Decimal("27.0")


def test_add_medication_refuses_a_stop_before_the_start(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(ChartEntryInvalidError) as caught:
        add_medication(
            actor=provider_actor,
            patient=patient,
            name="Metformin",
            start_on=datetime.date(2026, 1, 10),
            stop_on=datetime.date(2026, 1, 1),
        )
    assert caught.value.errors == {
        "__all__": ["Stop: the stop date is before the start date."]
    }


def test_add_medication_with_a_past_stop_date_is_stopped(
    provider_actor: Actor, patient: Patient
) -> None:
    medication = add_medication(
        actor=provider_actor,
        patient=patient,
        name="Amoxicillin",
        start_on=datetime.date(2026, 1, 1),
        stop_on=datetime.date(2026, 1, 8),
    )
    assert medication.status == Medication.Status.STOPPED


def test_add_history_entry(provider_actor: Actor, patient: Patient) -> None:
    entry = add_history_entry(
        actor=provider_actor, patient=patient, kind="family", text="Father: diabetes"
    )
    assert entry.get_kind_display() == "Family history"


def test_adding_needs_chart_edit(clinic: Clinic, patient: Patient) -> None:
    desk = actor_for(make_member(clinic, [FRONT_DESK]))
    with pytest.raises(ChartPermissionError):
        add_allergy(actor=desk, patient=patient, substance="Latex", severity="mild")
    assert Allergy.objects.count() == 0


def test_adding_to_another_clinics_patient_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    stranger = PatientFactory(clinic=other_clinic)
    with pytest.raises(ChartPermissionError):
        add_allergy(
            actor=provider_actor, patient=stranger, substance="Latex", severity="mild"
        )


def test_resolving_a_problem_is_audited_with_the_change(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    problem = ProblemFactory(clinic=clinic)
    # when
    changed = change_entry_status(
        actor=provider_actor, entry=problem, status="resolved", reason="Pain free"
    )
    # then
    assert (changed.status, changed.status_reason) == ("resolved", "Pain free")
    assert changed.status_changed_at == timezone.now()
    entry = AuditEntry.objects.get(action="status", object_id=str(problem.pk))
    assert (entry.patient_id, entry.detail) == (
        problem.patient_id,
        "active -> resolved",
    )


def test_entered_in_error_needs_a_reason_and_is_final(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    allergy = AllergyFactory(clinic=clinic)
    # when / then: no reason
    with pytest.raises(ChartEntryInvalidError) as caught:
        change_entry_status(
            actor=provider_actor, entry=allergy, status="entered_in_error"
        )
    assert caught.value.errors == {
        "reason": ["Reason: say why the entry was entered in error."]
    }
    # when / then: with a reason, then any further change is refused
    change_entry_status(
        actor=provider_actor,
        entry=allergy,
        status="entered_in_error",
        reason="Wrong patient",
    )
    with pytest.raises(ChartEntryInvalidError) as again:
        change_entry_status(actor=provider_actor, entry=allergy, status="active")
    assert again.value.errors == {
        "status": ["Status: an entry marked in error cannot change."]
    }


def test_a_status_of_another_list_is_refused(
    provider_actor: Actor, clinic: Clinic
) -> None:
    problem = ProblemFactory(clinic=clinic)
    with pytest.raises(ChartEntryInvalidError) as caught:
        change_entry_status(actor=provider_actor, entry=problem, status="stopped")
    assert caught.value.errors == {"status": ["Status: choose a listed status."]}


def test_stopping_a_medication_stops_it_today(
    provider_actor: Actor, clinic: Clinic
) -> None:
    medication = MedicationFactory(clinic=clinic)
    stopped = change_entry_status(
        actor=provider_actor, entry=medication, status="stopped", reason="Finished"
    )
    assert stopped.stop_on == datetime.date(2026, 3, 10)


def test_chart_entries_are_never_deleted(clinic: Clinic) -> None:
    problem = ProblemFactory(clinic=clinic)
    with pytest.raises(IntegrityError):
        problem.delete()
    with pytest.raises(IntegrityError):
        Problem.objects.filter(pk=problem.pk).delete()
    assert Problem.objects.filter(pk=problem.pk).exists()
