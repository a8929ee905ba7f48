"""Factories of the outcomes app; URL_KWARG_BUILDERS feeds the URL tests.

`MeasureResponseFactory` inserts a scored PHQ-9 row directly (minimal, all
zeros); tests of scoring go through `record_response`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import factory

from practica.outcomes.models import MeasureResponse
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import make_clinic


class MeasureResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureResponse

    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    measure_code = "phq9"
    measure_version = 1
    answers = factory.LazyFunction(lambda: {f"q{n}": 0 for n in range(1, 10)})
    score = Decimal(0)
    band = "Minimal"
    flags = factory.LazyFunction(list)
    taken_on = datetime.date(2026, 3, 2)


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "response_id": lambda clinic: MeasureResponseFactory(clinic=clinic).id,
    "measure_id": lambda clinic: "phq9",
}
