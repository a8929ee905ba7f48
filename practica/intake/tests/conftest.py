from __future__ import annotations

import pytest

from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member


@pytest.fixture
def provider_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [PROVIDER])


@pytest.fixture
def provider_actor(provider_member: Membership) -> Actor:
    return actor_for(provider_member)


@pytest.fixture
def front_desk_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK])


@pytest.fixture
def front_desk_actor(front_desk_member: Membership) -> Actor:
    return actor_for(front_desk_member)


@pytest.fixture
def billing_actor(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [BILLING]))


@pytest.fixture
def owner_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [OWNER])


@pytest.fixture
def owner_actor(owner_member: Membership) -> Actor:
    return actor_for(owner_member)


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)
