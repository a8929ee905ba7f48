from __future__ import annotations

import pytest
from django.test import Client

from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member


@pytest.fixture
def provider_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [PROVIDER])


@pytest.fixture
def provider_actor(provider_member: Membership) -> Actor:
    return actor_for(provider_member)


@pytest.fixture
def provider_client(provider_member: Membership) -> Client:
    client = Client()
    client.force_login(provider_member.user)
    return client


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)
