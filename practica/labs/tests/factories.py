"""Factories of the labs app; URL_KWARG_BUILDERS feeds the URL tests.

`LabResultFactory` inserts an HbA1c row directly (flag given, nothing
computed); tests of the rules go through `record_lab_result`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import factory

from practica.labs.models import Flag, LabResult
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import make_clinic

COLLECTED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


class LabResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabResult

    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    loinc_code = "4548-4"
    test_name = "Hemoglobin A1c/Hemoglobin.total in Blood"
    value = "6.1"
    value_number = Decimal("6.1")
    unit = "%"
    reference_low = Decimal("4.0")
    reference_high = Decimal("5.6")
    flag = Flag.HIGH
    collected_at = COLLECTED_AT


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "lab_result_id": lambda clinic: LabResultFactory(clinic=clinic).id,
    "loinc_code": lambda clinic: "4548-4",
}
