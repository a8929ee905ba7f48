"""Project-wide fixtures: two clinics and a logged-in client per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import (
    ALL_PERMISSIONS,
    BILLING,
    FRONT_DESK,
    OWNER,
    PROVIDER,
)
from practica.tenancy.tests.factories import actor_for, make_clinic, make_member


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Clinic A")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return make_clinic("Clinic B")


@pytest.fixture
def member_factory(db: None) -> Callable[..., Membership]:
    return make_member


@pytest.fixture
def client_for() -> Callable[[Membership], Client]:
    def build(membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client

    return build


@pytest.fixture
def system_actor(clinic: Clinic) -> Actor:
    return Actor.system(clinic, frozenset(ALL_PERMISSIONS))


# One member (and acting actor) per role, and a patient, in clinic A.


@pytest.fixture
def provider_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [PROVIDER])


@pytest.fixture
def provider_actor(provider_member: Membership) -> Actor:
    return actor_for(provider_member)


@pytest.fixture
def owner_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [OWNER])


@pytest.fixture
def owner_actor(owner_member: Membership) -> Actor:
    return actor_for(owner_member)


@pytest.fixture
def front_desk_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [FRONT_DESK])


@pytest.fixture
def front_desk_actor(front_desk_member: Membership) -> Actor:
    return actor_for(front_desk_member)


@pytest.fixture
def billing_member(clinic: Clinic) -> Membership:
    return make_member(clinic, [BILLING])


@pytest.fixture
def billing_actor(billing_member: Membership) -> Actor:
    return actor_for(billing_member)


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic)
