"""abnormal_recent: the chart banner's flagged lab results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries

from practica.labs.models import Flag, LabResult
from practica.labs.selectors import abnormal_recent
from practica.labs.tests.factories import COLLECTED_AT, LabResultFactory
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


def test_only_the_latest_flagged_result_of_each_recent_test(
    provider_actor: Actor,
    clinic: Clinic,
    patient: Patient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given HbA1c high then normal (now fine), vitamin D low, an old high TSH,
    # a high ferritin marked in error, and another patient's high result
    later = COLLECTED_AT + datetime.timedelta(days=90)
    LabResultFactory(clinic=clinic, patient=patient, flag=Flag.HIGH)
    LabResultFactory(
        clinic=clinic, patient=patient, flag=Flag.NORMAL, collected_at=later
    )
    low_d = LabResultFactory(
        clinic=clinic,
        patient=patient,
        loinc_code="14635-7",
        value="40",
        value_number=Decimal(40),
        flag=Flag.LOW,
        collected_at=later,
    )
    LabResultFactory(
        clinic=clinic,
        patient=patient,
        loinc_code="3016-3",
        flag=Flag.HIGH,
        collected_at=COLLECTED_AT - datetime.timedelta(days=400),
    )
    LabResultFactory(
        clinic=clinic,
        patient=patient,
        loinc_code="2276-4",
        flag=Flag.HIGH,
        collected_at=later,
        status=LabResult.Status.ENTERED_IN_ERROR,
        error_reason="Wrong patient",
        marked_in_error_at=later,
    )
    LabResultFactory(clinic=clinic, flag=Flag.HIGH, collected_at=later)
    # when
    with django_assert_num_queries(1):
        flagged = abnormal_recent(
            actor=provider_actor,
            patient=patient,
            since=COLLECTED_AT - datetime.timedelta(days=30),
        )
    # then
    assert flagged == [low_d]
