"""Project-wide fixtures: two clinics and a logged-in client per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS
from practica.tenancy.tests.factories import make_clinic, make_member


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
