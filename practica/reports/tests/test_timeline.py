from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practica.audit.models import AuditEntry
from practica.billing.models import Invoice
from practica.billing.services import charge_policy_fee
from practica.billing.tests.factories import make_invoice, make_payment
from practica.charting.tests.factories import SignedNoteFactory
from practica.patients.models import Patient
from practica.reports.selectors import patient_timeline
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import make_appointment
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import actor_for

pytestmark = pytest.mark.django_db


def _journey(clinic: Clinic, visits: int) -> Patient:
    first = make_invoice(clinic, price=Decimal("90.00"))
    patient = first.patient
    make_payment(clinic, amount=Decimal("90.00"), invoice=first)
    SignedNoteFactory(clinic=clinic, patient=patient, appointment=first.appointment)
    for _ in range(visits - 1):
        invoice = make_invoice(clinic, patient=patient)
        make_payment(clinic, amount=Decimal("10.00"), invoice=invoice)
        SignedNoteFactory(
            clinic=clinic, patient=patient, appointment=invoice.appointment
        )
    return patient


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        ("provider", {"appointment", "note"}),
        ("front_desk", {"appointment"}),
        ("billing", {"appointment", "invoice", "payment"}),
        ("owner", {"appointment", "note", "invoice", "payment"}),
    ],
)
def test_each_role_sees_only_its_part_of_the_journey(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    role: str,
    kinds: set[str],
) -> None:
    patient = _journey(clinic, visits=1)
    actor = actor_for(member_factory(clinic, [role]))
    timeline = patient_timeline(actor=actor, patient_id=patient.pk)
    assert {item.kind for item in timeline.items} == kinds
    assert [i.at for i in timeline.items] == sorted(i.at for i in timeline.items)


def test_viewing_the_timeline_is_audited_with_the_patient(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    patient = _journey(clinic, visits=1)
    member = member_factory(clinic, ["provider"])
    response = client_for(member).get(
        f"/reports/patients/{patient.pk}/timeline/", HTTP_HX_REQUEST="true"
    )
    entry = AuditEntry.objects.filter(action="view").get()
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert (entry.patient_id, entry.user_id, entry.detail) == (
        patient.pk,
        member.user.pk,
        "timeline",
    )


def test_times_show_in_the_locations_time_zone(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    patient = _journey(clinic, visits=1)
    appointment = patient.appointments.get()
    local = appointment.start_at.astimezone(appointment.location.tz)
    client = client_for(member_factory(clinic, ["front_desk"]))
    page = client.get(f"/reports/patients/{patient.pk}/timeline/").content.decode()
    assert local.strftime("%Y-%m-%d %H:%M") in page


def test_query_count_does_not_grow_with_history(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    actor = actor_for(member_factory(clinic, ["owner"]))
    short, long = _journey(clinic, visits=1), _journey(clinic, visits=6)
    with CaptureQueriesContext(connection) as one:
        patient_timeline(actor=actor, patient_id=short.pk)
    with CaptureQueriesContext(connection) as six:
        patient_timeline(actor=actor, patient_id=long.pk)
    assert len(one) == len(six)
    assert len(patient_timeline(actor=actor, patient_id=long.pk).items) == 24


def test_a_policy_fee_is_named_as_such_on_the_timeline(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    # given a no-show charged the clinic's fee
    desk = actor_for(member_factory(clinic, ["billing"]))
    missed = make_appointment(clinic, status=Appointment.Status.NO_SHOW)
    fee = charge_policy_fee(
        actor=desk,
        appointment=missed,
        kind=Invoice.Kind.NO_SHOW_FEE,
        amount=Decimal("60.00"),
    )
    assert fee is not None

    # when
    timeline = patient_timeline(actor=desk, patient_id=missed.patient_id)

    # then
    titles = [item.title for item in timeline.items if item.kind == "invoice"]
    assert titles == [f"Invoice #{fee.number} (no-show fee)"]
