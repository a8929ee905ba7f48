from __future__ import annotations

import pytest

from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.plans.models import TreatmentPlan
from practica.plans.tests.factories import TreatmentPlanFactory
from practica.scheduling.models import Provider
from practica.scheduling.tests.factories import ProviderFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member


@pytest.fixture
def provider_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [PROVIDER])


@pytest.fixture
def provider(clinic: Clinic, provider_member: Membership) -> Provider:
    return ProviderFactory(clinic=clinic, membership=provider_member)


@pytest.fixture
def provider_actor(provider_member: Membership) -> Actor:
    return actor_for(provider_member)


@pytest.fixture
def front_desk_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK])


@pytest.fixture
def owner_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [OWNER])


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)


@pytest.fixture
def plan(clinic: Clinic, patient: Patient, provider: Provider) -> TreatmentPlan:
    return TreatmentPlanFactory(clinic=clinic, patient=patient, provider=provider)
