from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from practica.audit.models import AuditEntry
from practica.audit.services import record_view
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db


def test_admin_filters_by_patient_and_exports_csv(
    clinic: Clinic,
    system_actor: Actor,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given
    patient_a, patient_b = uuid.uuid4(), uuid.uuid4()
    record_view(actor=system_actor, obj=clinic, patient_id=patient_a)
    record_view(actor=system_actor, obj=clinic, patient_id=patient_b)
    client = client_for(member_factory(clinic, ["admin"]))
    # when
    page = client.get("/audit/", {"patient": str(patient_a)})
    export = client.get("/audit/export.csv", {"patient": str(patient_a)})
    # then
    assert page.status_code == 200
    assert str(patient_a)[:10] in page.content.decode()
    assert str(patient_b)[:10] not in page.content.decode()
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith("at,user_email,user_id,patient_id")
    assert len(rows) == 2
    assert str(patient_a) in rows[1]


def test_bad_filter_is_refused_with_field_named(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, ["admin"]))
    page = client.get("/audit/", {"patient": "not-a-uuid"})
    export = client.get("/audit/export.csv", {"start_on": "2026-02-30"})
    assert page.status_code == 422
    assert "Patient id: Enter a valid UUID." in page.content.decode()
    assert export.status_code == 400
    assert "start_on" in export.content.decode()


def test_other_clinic_entries_are_not_listed(
    clinic: Clinic,
    other_clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    hidden = uuid.uuid4()
    record_view(
        actor=Actor.system(other_clinic, frozenset()),
        obj=other_clinic,
        patient_id=hidden,
    )
    client = client_for(member_factory(clinic, ["owner"]))
    export = client.get("/audit/export.csv")
    assert str(hidden) not in b"".join(export.streaming_content).decode()


def test_front_desk_cannot_read_the_audit_trail(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, ["front_desk"]))
    response = client.get("/audit/")
    assert response.status_code == 403
    denied = AuditEntry.objects.get(outcome="denied")
    assert denied.object_id == "audit:entry-list"


def test_admin_filters_by_staff_member(
    clinic: Clinic,
    other_clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    # given two staff members who each viewed something
    desk = member_factory(clinic, ["front_desk"])
    outsider = member_factory(other_clinic, ["owner"])
    record_view(actor=actor_for(desk), obj=clinic, patient_id=uuid.uuid4())
    record_view(
        actor=actor_for(member_factory(clinic, ["billing"])),
        obj=clinic,
        patient_id=None,
    )
    client = client_for(member_factory(clinic, ["admin"]))
    # when
    export = client.get("/audit/export.csv", {"user": str(desk.user.pk)})
    foreign = client.get("/audit/", {"user": str(outsider.user.pk)})
    # then: only the member's entries; another clinic's user is not a choice
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(rows) == 2
    assert desk.user.email in rows[1]
    assert foreign.status_code == 422
    assert "Staff member: Select a valid choice." in foreign.content.decode()
