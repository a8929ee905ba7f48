from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.charting.tests.factories import URL_KWARG_BUILDERS
from practica.tenancy.models import Clinic, Membership

URLS = [
    ("note-start", "appointment_id", "post"),
    ("note-detail", "note_id", "get"),
    ("note-edit", "note_id", "post"),
    ("note-sign", "note_id", "post"),
    ("note-addendum", "note_id", "post"),
]


@pytest.mark.parametrize(("name", "kwarg", "method"), URLS)
def test_objects_of_other_clinic_are_404(
    other_clinic: Clinic,
    provider_member: Membership,
    client_for: Callable[[Membership], Client],
    name: str,
    kwarg: str,
    method: str,
) -> None:
    # given
    value = URL_KWARG_BUILDERS[kwarg](other_clinic)
    url = reverse(f"charting:{name}", kwargs={kwarg: value})
    client = client_for(provider_member)
    # when
    response = getattr(client, method)(url)
    # then
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "kwarg", "method"), URLS)
def test_anonymous_is_sent_to_log_in(
    clinic: Clinic, name: str, kwarg: str, method: str
) -> None:
    # given
    value = URL_KWARG_BUILDERS[kwarg](clinic)
    url = reverse(f"charting:{name}", kwargs={kwarg: value})
    # when
    response = getattr(Client(), method)(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
