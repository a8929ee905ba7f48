"""Recording lab results and marking them entered in error."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.labs.errors import (
    LabPermissionError,
    LabResultInvalidError,
    LabResultLockedError,
)
from practica.labs.models import LabResult
from practica.labs.services import mark_entered_in_error, record_lab_result
from practica.labs.tests.factories import LabResultFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def _record(actor: Actor, patient: Patient, **kwargs: Any) -> LabResult:
    fields: dict[str, Any] = {
        "loinc_code": "4548-4",
        "value": "7.2",
        "collected_at": YESTERDAY,
    }
    fields.update(kwargs)
    return record_lab_result(actor=actor, patient=patient, **fields)


def _errors(actor: Actor, patient: Patient, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(LabResultInvalidError) as caught:
        _record(actor, patient, **kwargs)
    return caught.value.errors


def test_a_shipped_test_takes_its_name_unit_range_and_a_computed_flag(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    result = _record(provider_actor, patient, performer=" LifeLabs ")
    # then
    result.refresh_from_db()
    assert result.test_name == "Hemoglobin A1c/Hemoglobin.total in Blood"
    assert result.value == "7.2"
    assert result.value_number == Decimal("7.2")
    assert result.unit == "%"
    assert (result.reference_low, result.reference_high) == (
        Decimal("4.0"),
        Decimal("5.6"),
    )
    assert result.flag == "H"
    assert result.is_flag_manual is False
    assert result.performer == "LifeLabs"
    assert result.recorded_by == provider_actor.membership
    assert result.status == LabResult.Status.FINAL
    entry = AuditEntry.objects.get(action="create", object_id=str(result.pk))
    assert entry.patient_id == patient.pk
    assert entry.detail == "4548-4"


def test_the_labs_own_range_wins_over_the_shipped_one(
    provider_actor: Actor, patient: Patient
) -> None:
    # when the report says 4.0-6.0
    result = _record(
        provider_actor,
        patient,
        value="5.9",
        reference_low=Decimal("4.0"),
        reference_high=Decimal("6.0"),
    )
    # then
    assert result.flag == "N"
    assert result.reference_high == Decimal("6.0")


def test_critical_limits_flag_ll_and_hh(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    low = _record(provider_actor, patient, loinc_code="2823-3", value="2.5")
    high = _record(provider_actor, patient, loinc_code="2823-3", value="6.8")
    # then
    assert (low.flag, high.flag, low.unit) == ("LL", "HH", "mmol/L")
    assert low.is_critical


def test_a_clinician_may_set_the_flag(provider_actor: Actor, patient: Patient) -> None:
    # when
    result = _record(provider_actor, patient, value="5.0", flag="A")
    # then
    assert (result.flag, result.is_flag_manual) == ("A", True)


def test_a_comparator_reading_keeps_the_text_and_the_number(
    provider_actor: Actor, patient: Patient
) -> None:
    # when eGFR is reported as ">90"
    result = _record(provider_actor, patient, loinc_code="98979-8", value="> 90")
    # then
    assert result.value == "> 90"
    assert (result.value_comparator, result.value_number) == (">", Decimal(90))
    assert result.flag == "N"
    assert result.unit == "mL/min/{1.73_m2}"


def test_qualitative_results_are_flagged_against_the_normal_answer(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    positive = _record(provider_actor, patient, loinc_code="5802-4", value="Positive")
    negative = _record(provider_actor, patient, loinc_code="5802-4", value="negative")
    # then
    assert (positive.flag, negative.flag) == ("A", "N")
    assert positive.value_number is None
    assert positive.reference_text == "Negative"


def test_a_unit_spelled_differently_is_stored_as_the_tests_own(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    result = _record(
        provider_actor, patient, loinc_code="777-3", value="95", unit="K/uL"
    )
    # then
    assert result.unit == "10*3/uL"
    assert result.flag == "L"


def test_an_alternative_unit_with_another_scale_gets_no_shipped_range(
    provider_actor: Actor, patient: Patient
) -> None:
    # when hemoglobin comes in g/L (the shipped range is in g/dL)
    result = _record(
        provider_actor, patient, loinc_code="718-7", value="135", unit="g/L"
    )
    # then
    assert result.unit == "g/L"
    assert (result.reference_low, result.reference_high) == (None, None)
    assert result.flag == ""


def test_a_code_outside_the_list_needs_a_name_and_takes_any_unit(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    result = _record(
        provider_actor,
        patient,
        loinc_code="2947-0",
        value="140",
        unit="mmol/L",
    )
    other = _record(
        provider_actor,
        patient,
        loinc_code="1000-9",
        test_name="Some rare assay",
        value="12",
        unit="ug/L",
    )
    # then
    assert result.test_name == "Sodium [Moles/volume] in Blood"
    assert (other.test_name, other.unit, other.flag) == ("Some rare assay", "ug/L", "")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"loinc_code": "4548"}, "loinc_code", "LOINC code: enter a code such as"),
        ({"loinc_code": "4548-5"}, "loinc_code", "LOINC code: the check digit"),
        ({"loinc_code": "1000-9"}, "test_name", "Test: name the test"),
        ({"value": "  "}, "value", "Value: enter the result."),
        (
            {"value": "high"},
            "value",
            "Value: Hemoglobin A1c/Hemoglobin.total in Blood is a numeric test",
        ),
        ({"value": "7.12345"}, "value", "Value: at most 4 decimal places."),
        (
            {"unit": "mmol/mol"},
            "unit",
            "Unit: Hemoglobin A1c/Hemoglobin.total in Blood is reported in %",
        ),
        (
            {"reference_low": Decimal(6), "reference_high": Decimal(4)},
            "reference_low",
            "Reference low: the low end is above the high end.",
        ),
        ({"flag": "X"}, "flag", "Flag: choose a listed flag."),
        (
            {"collected_at": timezone.now() + datetime.timedelta(hours=2)},
            "collected_at",
            "Collected at: cannot be in the future.",
        ),
        (
            {"collected_at": datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)},
            "collected_at",
            "Collected at: cannot be before the birth date.",
        ),
        (
            {"reported_at": YESTERDAY - datetime.timedelta(days=2)},
            "reported_at",
            "Reported at: cannot be before the collection time.",
        ),
        ({"comment": "x" * 1001}, "comment", "Comment: "),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    provider_actor: Actor,
    patient: Patient,
    kwargs: dict[str, Any],
    field: str,
    message: str,
) -> None:
    # when
    errors = _errors(provider_actor, patient, **kwargs)
    # then
    assert field in errors
    assert errors[field][0].startswith(message)
    assert not LabResult.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_every_fault_is_reported_at_once(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    errors = _errors(
        provider_actor,
        patient,
        value="",
        unit="kg",
        collected_at=timezone.now() + datetime.timedelta(days=1),
    )
    # then
    assert set(errors) == {"value", "unit", "collected_at"}


def test_owner_without_chart_edit_cannot_record(
    owner_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(LabPermissionError):
        _record(owner_actor, patient)
    assert not LabResult.objects.exists()


def test_another_clinics_patient_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    stranger = PatientFactory(clinic=other_clinic)
    with pytest.raises(LabPermissionError):
        _record(provider_actor, stranger)


def test_mark_entered_in_error_keeps_the_reading_and_is_final(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    result = LabResultFactory(clinic=clinic)
    # when
    marked = mark_entered_in_error(
        actor=provider_actor, result=result, reason=" Another patient's report "
    )
    # then
    marked.refresh_from_db()
    assert marked.status == LabResult.Status.ENTERED_IN_ERROR
    assert marked.error_reason == "Another patient's report"
    assert marked.marked_in_error_by == provider_actor.membership
    assert marked.marked_in_error_at is not None
    assert marked.value == "6.1"
    assert AuditEntry.objects.filter(
        action="entered_in_error", object_id=str(result.pk)
    ).exists()
    with pytest.raises(LabResultLockedError):
        mark_entered_in_error(actor=provider_actor, result=result, reason="Again")


@pytest.mark.parametrize(
    ("reason", "message"),
    [("  ", "Reason: say why"), ("x" * 301, "Reason: at most 300 characters.")],
)
def test_marking_needs_a_short_reason(
    provider_actor: Actor, clinic: Clinic, reason: str, message: str
) -> None:
    # given
    result = LabResultFactory(clinic=clinic)
    # when
    with pytest.raises(LabResultInvalidError) as caught:
        mark_entered_in_error(actor=provider_actor, result=result, reason=reason)
    # then
    assert caught.value.errors["reason"][0].startswith(message)
    result.refresh_from_db()
    assert result.status == LabResult.Status.FINAL


def test_marking_needs_chart_edit_and_the_same_clinic(
    owner_actor: Actor, provider_actor: Actor, other_clinic: Clinic, clinic: Clinic
) -> None:
    with pytest.raises(LabPermissionError):
        mark_entered_in_error(
            actor=owner_actor, result=LabResultFactory(clinic=clinic), reason="x"
        )
    with pytest.raises(LabPermissionError):
        mark_entered_in_error(
            actor=provider_actor,
            result=LabResultFactory(clinic=other_clinic),
            reason="x",
        )


def test_results_are_never_deleted(clinic: Clinic) -> None:
    # given
    result = LabResultFactory(clinic=clinic)
    # then
    with pytest.raises(IntegrityError):
        result.delete()
    with pytest.raises(IntegrityError):
        LabResult.objects.filter(pk=result.pk).delete()
    assert LabResult.objects.filter(pk=result.pk).exists()
