from __future__ import annotations

import pytest
from django.test import Client

from practica.tenancy.models import Membership


@pytest.fixture
def provider_client(provider_member: Membership) -> Client:
    client = Client()
    client.force_login(provider_member.user)
    return client
