"""record_response and mark_entered_in_error: rules, permissions, audit,
and immutability in the service and in the database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from practica.audit.models import AuditEntry
from practica.charting.tests.factories import ClinicalNoteFactory
from practica.outcomes.errors import (
    InvalidResponseError,
    OutcomePermissionError,
    ResponseLockedError,
    UnknownMeasureError,
)
from practica.outcomes.models import MeasureResponse, ResponseErrorMark
from practica.outcomes.services import mark_entered_in_error, record_response
from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
PHQ9_MODERATE = {f"q{n}": 2 if n <= 6 else 0 for n in range(1, 10)}  # 12


def test_record_response_scores_stores_and_audits(
    provider_actor: Actor, patient: Patient
) -> None:
    # when
    response = record_response(
        actor=provider_actor,
        patient=patient,
        measure_code="phq9",
        answers={key: str(value) for key, value in PHQ9_MODERATE.items()},
        taken_on=YESTERDAY,
    )
    # then
    stored = MeasureResponse.objects.get(pk=response.pk)
    assert stored.clinic_id == provider_actor.clinic.pk
    assert (stored.measure_code, stored.measure_version) == ("phq9", 1)
    assert stored.answers == PHQ9_MODERATE
    assert (stored.score, stored.band, stored.flags) == (Decimal(12), "Moderate", [])
    assert stored.taken_on == YESTERDAY
    assert stored.recorded_by == provider_actor.membership
    entry = AuditEntry.objects.get(action="create", object_id=str(response.pk))
    assert entry.patient_id == patient.pk
    assert entry.detail == "phq9 v1"


def test_a_note_lends_its_visit(provider_actor: Actor, clinic: Clinic) -> None:
    # given a note of the patient's visit
    note = ClinicalNoteFactory(clinic=clinic)
    # when
    response = record_response(
        actor=provider_actor,
        patient=note.patient,
        measure_code="nprs",
        answers={"pain": 4},
        taken_on=YESTERDAY,
        note=note,
    )
    # then
    assert response.note_id == note.pk
    assert response.appointment_id == note.appointment_id


def test_invalid_answers_write_nothing_and_name_the_items(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        record_response(
            actor=provider_actor,
            patient=patient,
            measure_code="nprs",
            answers={"pain": 11},
            taken_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert caught.value.errors == {
        "pain": ["Pain intensity now: choose a whole number from 0 to 10."],
        "taken_on": ["Date taken: cannot be in the future."],
    }
    assert MeasureResponse.objects.count() == 0
    assert not AuditEntry.objects.filter(action="create").exists()


def test_a_date_before_birth_is_refused(
    provider_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        record_response(
            actor=provider_actor,
            patient=patient,
            measure_code="nprs",
            answers={"pain": 1},
            taken_on=patient.date_of_birth - datetime.timedelta(days=1),
        )
    assert caught.value.errors == {
        "taken_on": ["Date taken: cannot be before the date of birth."]
    }


def test_a_note_of_another_patient_is_refused(
    provider_actor: Actor, clinic: Clinic, patient: Patient
) -> None:
    note = ClinicalNoteFactory(clinic=clinic)
    with pytest.raises(InvalidResponseError) as caught:
        record_response(
            actor=provider_actor,
            patient=patient,
            measure_code="nprs",
            answers={"pain": 1},
            taken_on=YESTERDAY,
            note=note,
        )
    assert caught.value.errors == {
        "note": ["Treatment note: choose a note of this patient."]
    }
    assert MeasureResponse.objects.count() == 0


def test_an_unknown_measure_is_refused(provider_actor: Actor, patient: Patient) -> None:
    with pytest.raises(UnknownMeasureError):
        record_response(
            actor=provider_actor,
            patient=patient,
            measure_code="sf36",
            answers={},
            taken_on=YESTERDAY,
        )


def test_front_desk_cannot_record(
    front_desk_member: Membership, patient: Patient
) -> None:
    with pytest.raises(OutcomePermissionError):
        record_response(
            actor=actor_for(front_desk_member),
            patient=patient,
            measure_code="nprs",
            answers={"pain": 1},
            taken_on=YESTERDAY,
        )
    assert MeasureResponse.objects.count() == 0


def test_another_clinics_patient_is_refused(
    provider_actor: Actor, other_clinic: Clinic
) -> None:
    with pytest.raises(OutcomePermissionError):
        record_response(
            actor=provider_actor,
            patient=PatientFactory(clinic=other_clinic),
            measure_code="nprs",
            answers={"pain": 1},
            taken_on=YESTERDAY,
        )


def test_mark_entered_in_error_keeps_the_response_and_audits(
    provider_actor: Actor, clinic: Clinic
) -> None:
    # given
    response = MeasureResponseFactory(clinic=clinic)
    # when
    mark = mark_entered_in_error(
        actor=provider_actor, response=response, reason="  Wrong patient  "
    )
    # then
    assert ResponseErrorMark.objects.get(response=response) == mark
    assert (mark.reason, mark.marked_by) == ("Wrong patient", provider_actor.membership)
    assert MeasureResponse.objects.get(pk=response.pk).score == Decimal(0)
    entry = AuditEntry.objects.get(action="entered_in_error")
    assert (entry.object_id, entry.patient_id) == (
        str(response.pk),
        response.patient_id,
    )


def test_a_response_is_marked_once_only(provider_actor: Actor, clinic: Clinic) -> None:
    response = MeasureResponseFactory(clinic=clinic)
    mark_entered_in_error(actor=provider_actor, response=response, reason="Wrong form")
    with pytest.raises(ResponseLockedError):
        mark_entered_in_error(actor=provider_actor, response=response, reason="Again")
    assert ResponseErrorMark.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_mark_needs_a_short_reason(
    provider_actor: Actor, clinic: Clinic, reason: str
) -> None:
    response = MeasureResponseFactory(clinic=clinic)
    with pytest.raises(InvalidResponseError) as caught:
        mark_entered_in_error(actor=provider_actor, response=response, reason=reason)
    assert list(caught.value.errors) == ["reason"]
    assert ResponseErrorMark.objects.count() == 0


def test_front_desk_cannot_mark(front_desk_member: Membership, clinic: Clinic) -> None:
    response = MeasureResponseFactory(clinic=clinic)
    with pytest.raises(OutcomePermissionError):
        mark_entered_in_error(
            actor=actor_for(front_desk_member), response=response, reason="No"
        )


def test_the_database_refuses_to_change_a_response(clinic: Clinic) -> None:
    # given
    response = MeasureResponseFactory(clinic=clinic)
    # when any path updates the row, then the trigger refuses it
    with pytest.raises(DatabaseError), transaction.atomic():
        MeasureResponse.objects.filter(pk=response.pk).update(score=Decimal(5))
    response.band = "Severe"
    with pytest.raises(DatabaseError), transaction.atomic():
        response.save()
    assert MeasureResponse.objects.get(pk=response.pk).band == "Minimal"


def test_the_database_refuses_to_change_a_mark(
    provider_actor: Actor, clinic: Clinic
) -> None:
    mark = mark_entered_in_error(
        actor=provider_actor,
        response=MeasureResponseFactory(clinic=clinic),
        reason="Wrong patient",
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ResponseErrorMark.objects.filter(pk=mark.pk).update(reason="Changed")


def test_the_orm_refuses_to_delete_responses(clinic: Clinic) -> None:
    response = MeasureResponseFactory(clinic=clinic)
    with pytest.raises(IntegrityError):
        response.delete()
    with pytest.raises(IntegrityError):
        MeasureResponse.objects.filter(pk=response.pk).delete()
    assert MeasureResponse.objects.filter(pk=response.pk).exists()
