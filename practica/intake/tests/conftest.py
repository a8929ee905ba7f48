from __future__ import annotations

import pytest

from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING
from practica.tenancy.tests.factories import actor_for, make_member


@pytest.fixture
def billing_actor(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [BILLING]))
