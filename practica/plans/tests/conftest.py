from __future__ import annotations

import pytest

from practica.patients.models import Patient
from practica.plans.models import TreatmentPlan
from practica.plans.tests.factories import TreatmentPlanFactory
from practica.scheduling.models import Provider
from practica.scheduling.tests.factories import ProviderFactory
from practica.tenancy.models import Clinic, Membership


@pytest.fixture
def provider(clinic: Clinic, provider_member: Membership) -> Provider:
    return ProviderFactory(clinic=clinic, membership=provider_member)


@pytest.fixture
def plan(clinic: Clinic, patient: Patient, provider: Provider) -> TreatmentPlan:
    return TreatmentPlanFactory(clinic=clinic, patient=patient, provider=provider)
