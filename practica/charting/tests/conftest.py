from __future__ import annotations

import pytest

from practica.charting.models import NoteTemplate
from practica.charting.services import ensure_shipped_templates
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
def physio_template(clinic: Clinic) -> NoteTemplate:
    return next(
        t
        for t in ensure_shipped_templates(clinic=clinic)
        if t.key == "physiotherapy-soap"
    )
