"""Memberships: sold on an invoice, billed once a month, giving covered visits
an included visit or a discount through the invoicing hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from time_machine import TimeMachineFixture

from practica.billing.benefits import BenefitError, add_months, period_start
from practica.billing.models import (
    BenefitUse,
    Invoice,
    MembershipPeriod,
    PatientMembership,
)
from practica.billing.services.benefits import (
    bill_memberships,
    cancel_membership,
    define_membership_plan,
    sell_benefit,
)
from practica.billing.services.corrections import issue_credit_note, void_invoice
from practica.billing.services.invoices import create_invoice_for_appointment
from practica.billing.tests.factories_benefits import (
    BenefitItemFactory,
    make_membership,
    visit,
)
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentTypeFactory, main_location
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for

TODAY = dt.date(2031, 1, 31)


@pytest.fixture(autouse=True)
def _frozen(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(dt.datetime(2031, 1, 31, 17, 0, tzinfo=dt.UTC), tick=False)


def _member(clinic: Clinic, **fields: object) -> PatientMembership:
    covered = AppointmentTypeFactory(
        clinic=clinic, name="Gym session", price=Decimal("40.00")
    )
    return make_membership(clinic, types=[covered], **fields)


def _visit(membership: PatientMembership, day: dt.date, hour: int = 10) -> Appointment:
    return visit(
        membership.clinic,
        patient=membership.patient,
        appointment_type=membership.plan.appointment_types.get(),
        day=day,
        hour=hour,
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2031, 1, 31), 1, dt.date(2031, 2, 28)),
        (dt.date(2031, 1, 31), 2, dt.date(2031, 3, 31)),
        (dt.date(2031, 11, 15), 2, dt.date(2032, 1, 15)),
        (dt.date(2032, 1, 30), 1, dt.date(2032, 2, 29)),
    ],
)
def test_months_keep_the_start_day_or_the_months_last(
    start: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(start, months) == expected


def test_period_start_is_the_last_anniversary() -> None:
    start = dt.date(2031, 1, 31)
    assert period_start(start, dt.date(2031, 3, 30)) == dt.date(2031, 2, 28)
    assert period_start(start, dt.date(2031, 3, 31)) == dt.date(2031, 3, 31)


def test_selling_a_membership_starts_it_and_bills_its_first_month(
    clinic: Clinic,
) -> None:
    membership = _member(clinic)
    period = MembershipPeriod.objects.get(membership=membership)
    assert membership.status == PatientMembership.Status.ACTIVE
    assert membership.starts_on == TODAY
    assert period.starts_on == TODAY
    # taxable service in Ontario: 50.00 + 13 % HST
    assert period.invoice.total == Decimal("56.50")


def test_selling_a_second_live_membership_of_one_plan_is_refused(
    clinic: Clinic,
) -> None:
    membership = _member(clinic)
    with pytest.raises(BenefitError) as refused:
        sell_benefit(
            actor=system_actor_for(clinic),
            patient=membership.patient,
            location=main_location(clinic),
            item=membership.plan.item,
        )
    assert refused.value.message == "The patient already holds this membership."


def test_billing_issues_each_due_month_once(
    clinic: Clinic, time_machine: TimeMachineFixture
) -> None:
    # given a membership started on Jan 31 (month 1 billed at sale)
    membership = _member(clinic)
    actor = system_actor_for(clinic)
    # when billing runs on Mar 31, then again the same day
    first = bill_memberships(actor=actor, today=dt.date(2031, 3, 31))
    second = bill_memberships(actor=actor, today=dt.date(2031, 3, 31))
    # then Feb 28 and Mar 31 are billed once each, the rerun bills nothing
    assert [invoice.memo for invoice in first] == ["Membership fee"] * 2
    assert second == []
    assert list(
        MembershipPeriod.objects.filter(membership=membership).values_list(
            "starts_on", flat=True
        )
    ) == [dt.date(2031, 1, 31), dt.date(2031, 2, 28), dt.date(2031, 3, 31)]
    assert first[0].lines.get().description == (
        "Wellness club: 2031-02-28 to 2031-03-30"
    )
    assert first[0].total == Decimal("56.50")


def test_billing_stops_at_the_cancellation(clinic: Clinic) -> None:
    membership = _member(clinic)
    actor = system_actor_for(clinic)
    cancel_membership(
        actor=actor,
        membership=membership,
        ends_on=dt.date(2031, 3, 31),
        reason="Moving away",
    )
    billed = bill_memberships(actor=actor, today=dt.date(2031, 6, 1))
    # Feb 28 only: Mar 31 is the end; the fee bills the old membership and
    # starts no new one
    assert len(billed) == 1
    membership.refresh_from_db()
    assert membership.status == PatientMembership.Status.CANCELLED
    assert PatientMembership.objects.filter(clinic=clinic).count() == 1
    assert (
        MembershipPeriod.objects.get(
            membership=membership, starts_on=dt.date(2031, 2, 28)
        ).invoice
        == billed[0]
    )


def test_cancel_refuses_twice_and_an_end_before_the_start(clinic: Clinic) -> None:
    membership = _member(clinic)
    actor = system_actor_for(clinic)
    with pytest.raises(BenefitError) as early:
        cancel_membership(
            actor=actor, membership=membership, ends_on=dt.date(2030, 1, 1), reason="x"
        )
    cancel_membership(
        actor=actor, membership=membership, ends_on=TODAY, reason="Moving away"
    )
    with pytest.raises(BenefitError) as twice:
        cancel_membership(
            actor=actor, membership=membership, ends_on=TODAY, reason="again"
        )
    assert early.value.field == "ends_on"
    assert twice.value.message == "This membership is already cancelled."


def test_the_command_bills_due_months(clinic: Clinic) -> None:
    _member(clinic)
    out = StringIO()
    call_command("bill_memberships", "--today", "2031-02-28", stdout=out)
    call_command("bill_memberships", "--today", "2031-02-28", stdout=out)
    assert out.getvalue().splitlines()[-3:] == [
        f"{clinic.slug}: 1 invoice(s)",
        "Membership months billed: 1.",
        "Membership months billed: 0.",
    ]


def test_an_included_visit_is_free_then_the_month_is_used_up(clinic: Clinic) -> None:
    # given a plan with 1 included visit a month
    membership = _member(clinic, visits_per_month=1)
    actor = system_actor_for(clinic)
    # when two visits of the same month are invoiced
    first = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 3))
    )
    second = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 10))
    )
    # and one the next month
    third = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 3, 3))
    )
    # then the first and third are included, the second is billed in full
    assert first.lines.get().discount_name == (
        "Membership: Wellness club (included visit 1 of 1 this month)"
    )
    assert first.total == Decimal("0.00")
    assert second.total == Decimal("40.00")
    assert third.total == Decimal("0.00")
    assert list(
        BenefitUse.objects.filter(membership=membership).values_list(
            "period_starts_on", flat=True
        )
    ) == [dt.date(2031, 1, 31), dt.date(2031, 2, 28)]


def test_a_members_discount_applies_to_covered_visits(clinic: Clinic) -> None:
    membership = _member(clinic, visits_per_month=0, percent=Decimal("15"))
    invoice = create_invoice_for_appointment(
        actor=system_actor_for(clinic),
        appointment=_visit(membership, dt.date(2031, 2, 3)),
    )
    line = invoice.lines.get()
    assert line.discount_name == "Membership: Wellness club (15% off)"
    assert line.discount_amount == Decimal("6.00")
    assert invoice.total == Decimal("34.00")
    assert BenefitUse.objects.get(clinic=clinic).kind == (
        BenefitUse.Kind.MEMBERSHIP_DISCOUNT
    )


def test_no_benefit_before_the_start_or_after_the_end(clinic: Clinic) -> None:
    membership = _member(clinic, visits_per_month=0, percent=Decimal("15"))
    actor = system_actor_for(clinic)
    cancel_membership(
        actor=actor, membership=membership, ends_on=dt.date(2031, 2, 10), reason="x"
    )
    before = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 1, 30))
    )
    after = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 10))
    )
    assert (before.total, after.total) == (Decimal("40.00"), Decimal("40.00"))


def test_voiding_a_visit_gives_the_included_visit_back(clinic: Clinic) -> None:
    membership = _member(clinic, visits_per_month=1)
    actor = system_actor_for(clinic)
    first = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 3))
    )
    void_invoice(actor=actor, invoice=first, reason="Wrong patient")
    second = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 10))
    )
    assert second.total == Decimal("0.00")


def test_a_full_credit_of_a_discounted_visit_releases_its_use(
    clinic: Clinic,
) -> None:
    # given a visit invoiced with the members' discount
    membership = _member(clinic, visits_per_month=0, percent=Decimal("15"))
    actor = system_actor_for(clinic)
    invoice = create_invoice_for_appointment(
        actor=actor, appointment=_visit(membership, dt.date(2031, 2, 3))
    )
    # when the invoice is fully credited
    issue_credit_note(actor=actor, invoice=invoice, reason="Visit not given")
    # then its benefit use is released
    use = BenefitUse.objects.get(clinic=clinic)
    assert use.released_at is not None


def test_voiding_the_sale_cancels_the_membership(clinic: Clinic) -> None:
    membership = _member(clinic)
    actor = system_actor_for(clinic)
    sale = MembershipPeriod.objects.get(membership=membership).invoice
    void_invoice(actor=actor, invoice=sale, reason="Signed up by mistake")
    membership.refresh_from_db()
    assert membership.status == PatientMembership.Status.CANCELLED
    assert membership.ends_on == TODAY
    assert bill_memberships(actor=actor, today=dt.date(2031, 5, 1)) == []


def test_a_voided_monthly_fee_is_not_billed_again(clinic: Clinic) -> None:
    membership = _member(clinic)
    actor = system_actor_for(clinic)
    (february,) = bill_memberships(actor=actor, today=dt.date(2031, 2, 28))
    void_invoice(actor=actor, invoice=february, reason="Waived")
    assert bill_memberships(actor=actor, today=dt.date(2031, 3, 1)) == []
    membership.refresh_from_db()
    assert membership.status == PatientMembership.Status.ACTIVE
    assert Invoice.objects.get(pk=february.pk).status == Invoice.Status.VOID


@pytest.mark.parametrize(
    ("fee", "percent", "visits", "field"),
    [
        ("-1", "0", 1, "monthly_fee"),
        ("10.001", "0", 1, "monthly_fee"),
        ("10", "101", 0, "discount_percent"),
        ("10", "0", 0, "discount_percent"),
        ("10", "0", 201, "visits_per_month"),
    ],
)
def test_membership_plan_refuses_bad_values(
    clinic: Clinic, fee: str, percent: str, visits: int, field: str
) -> None:
    from practica.billing.models import CatalogItem

    item = BenefitItemFactory(clinic=clinic, kind=CatalogItem.Kind.MEMBERSHIP)
    with pytest.raises(BenefitError) as refused:
        define_membership_plan(
            actor=system_actor_for(clinic),
            item=item,
            monthly_fee=fee,
            discount_percent=percent,
            visits_per_month=visits,
            appointment_types=[AppointmentTypeFactory(clinic=clinic)],
        )
    assert refused.value.field == field
