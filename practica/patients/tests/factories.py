"""Factories for patients; URL_KWARG_BUILDERS feeds the project-wide URL tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import factory

from practica.patients.models import Patient, PatientSearchKey
from practica.patients.services import apply_name_keys, search_keys_for
from practica.tenancy.models import Clinic


class PatientFactory(factory.django.DjangoModelFactory):
    """A synthetic patient with its name keys and search keys in place."""

    class Meta:
        model = Patient

    first_name = factory.Sequence(lambda n: f"Testfirst{n}")
    last_name = factory.Sequence(lambda n: f"Testlast{n}")
    date_of_birth = datetime.date(1980, 4, 23)
    sex = Patient.Sex.UNKNOWN
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
    phone = factory.Sequence(lambda n: f"+1416555{n % 10000:04d}")

    @classmethod
    def _create(cls, model_class: type[Patient], *args: Any, **kwargs: Any) -> Patient:
        patient = model_class(*args, **kwargs)
        apply_name_keys(patient)
        patient.save()
        PatientSearchKey.objects.bulk_create(search_keys_for(patient))
        return patient


def _patient_id(clinic: Clinic) -> object:
    return PatientFactory(clinic=clinic).id


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "patient_id": _patient_id,
}
