"""The demo clinic shows the cancellation policy, its fees and live statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from practica.billing.models import Invoice, LedgerEntry
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.demo.scheduling_policy import seed_policy
from practica.scheduling.models import Appointment, SchedulingPolicy, StatusChange

pytestmark = pytest.mark.django_db

Status = Appointment.Status
# A Tuesday, 10:00 in Toronto: the day's schedule is under way.
NOW = dt.datetime(2027, 2, 16, 15, 0, tzinfo=dt.UTC)


def test_demo_policy_fees_and_statuses(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given a small demo clinic generated at NOW
    time_machine.move_to(NOW, tick=False)
    spec = ClinicSpec(
        name="Policy Demo",
        slug="policy-demo",
        email_domain="policy.example",
        patients=40,
        providers=3,
        days_back=10,
        days_ahead=3,
        now=NOW,
    )
    clinic = generate_clinic(spec).clinic

    # when
    seed_policy(clinic, today=NOW.date())

    # then the policy is set
    policy = SchedulingPolicy.objects.get(clinic=clinic)
    assert (
        policy.cancellation_window_hours,
        policy.late_cancel_fee,
        policy.no_show_fee,
    ) == (24, Decimal("40.00"), Decimal("60.00"))
    # and missed visits carry their fees, each linked to its appointment
    fees = Invoice.objects.filter(clinic=clinic).exclude(kind=Invoice.Kind.SERVICE)
    kinds = sorted(fees.values_list("kind", flat=True))
    assert kinds == ["late_cancel_fee", *["no_show_fee"] * 3]
    for fee in fees:
        assert fee.appointment is not None
        assert fee.appointment.patient_id == fee.patient_id
        assert LedgerEntry.objects.get(invoice=fee).amount == fee.total
    late = Appointment.objects.filter(clinic=clinic, status=Status.LATE_CANCELLED)
    assert late.count() == 2
    waived = StatusChange.objects.get(
        appointment__in=late, reason__contains="fee waived"
    )
    assert waived.changed_by is not None
    # and the next visits show confirmed and in-session visits
    assert (
        Appointment.objects.filter(clinic=clinic, status=Status.CONFIRMED).count() == 6
    )
    assert (
        Appointment.objects.filter(clinic=clinic, status=Status.IN_SESSION).count() == 1
    )
