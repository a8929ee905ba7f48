from __future__ import annotations

import pytest

from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)
