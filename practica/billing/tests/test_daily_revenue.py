"""The monthly revenue report: exact figures on a small built data set."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries

from practica.billing.models import Payment
from practica.billing.selectors_revenue import get_revenue_report
from practica.billing.services import record_payment, void_invoice
from practica.billing.tests.factories_daily import (
    CreditNoteFactory,
    CreditNoteLineFactory,
    RefundFactory,
    WriteOffEntryFactory,
    make_invoice_at,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def year_of_billing(clinic: Clinic, system_actor: Actor) -> dict[str, object]:
    """January: a 100.00 exempt visit paid in cash and a 50.00 taxable one
    (HST 6.50) paid on 31 January at 23:30 local (1 February in UTC), a
    credit of 10.00 + 1.30 tax on the taxable one in February; March: a
    200.00 visit voided, a 40.00 visit part paid 30.00 and refunded 5.00, a
    write-off of 10.00 on it."""
    with time_machine.travel(at(1, 15, 10), tick=False):
        exempt = make_invoice_at(clinic, price=Decimal("100.00"))
        taxable = make_invoice_at(clinic, price=Decimal("50.00"), is_taxable=True)
    record_payment(
        actor=system_actor,
        invoice=exempt,
        method=Payment.Method.CASH,
        amount=Decimal("100.00"),
        received_at=at(1, 20, 9),
    )
    record_payment(
        actor=system_actor,
        invoice=taxable,
        method=Payment.Method.CARD,
        amount=Decimal("56.50"),
        received_at=at(1, 31, 23, 30),
    )
    credit = CreditNoteFactory(
        invoice=taxable,
        issued_on=dt.date(2026, 2, 3),
        subtotal=Decimal("10.00"),
        tax_total=Decimal("1.30"),
    )
    CreditNoteLineFactory(credit_note=credit, invoice_line=taxable.lines.get())
    with time_machine.travel(at(3, 2, 10), tick=False):
        voided = make_invoice_at(clinic, price=Decimal("200.00"))
        void_invoice(actor=system_actor, invoice=voided, reason="Booked in error")
        part_paid = make_invoice_at(clinic, price=Decimal("40.00"))
    payment = record_payment(
        actor=system_actor,
        invoice=part_paid,
        method=Payment.Method.ETRANSFER,
        amount=Decimal("30.00"),
        received_at=at(3, 5, 12),
    )
    RefundFactory(payment=payment, amount=Decimal("5.00"), refunded_at=at(3, 6, 12))
    WriteOffEntryFactory(
        invoice=part_paid, amount=Decimal("-10.00"), posted_at=at(3, 20, 12)
    )
    return {"taxable": taxable}


@pytest.mark.django_db
def test_revenue_by_month_is_exact(
    system_actor: Actor, year_of_billing: dict[str, object]
) -> None:
    # when the year's report is read
    report = get_revenue_report(actor=system_actor, year=2026)
    # then each month shows invoiced (net, less credits), tax, collected and
    # written off, in local months
    figures = {
        m.month: (m.invoiced, m.tax, m.collected, m.written_off)
        for m in report.months
        if (m.invoiced, m.tax, m.collected, m.written_off) != (Decimal("0.00"),) * 4
    }
    assert figures == {
        1: (Decimal("150.00"), Decimal("6.50"), Decimal("156.50"), Decimal("0.00")),
        2: (Decimal("-10.00"), Decimal("-1.30"), Decimal("0.00"), Decimal("0.00")),
        3: (Decimal("40.00"), Decimal("0.00"), Decimal("25.00"), Decimal("10.00")),
    }
    assert report.total.invoiced == Decimal("180.00")
    assert report.total.collected == Decimal("181.50")


@pytest.mark.django_db
def test_revenue_per_provider_per_month(
    system_actor: Actor, year_of_billing: dict[str, object]
) -> None:
    # when the year's report is read
    report = get_revenue_report(actor=system_actor, year=2026)
    # then each visit's provider carries its line, credits subtracted from the
    # provider of the line they credit
    assert sorted((p.months[:3], p.total) for p in report.providers) == [
        ((Decimal("0.00"), Decimal("0.00"), Decimal("40.00")), Decimal("40.00")),
        ((Decimal("50.00"), Decimal("-10.00"), Decimal("0.00")), Decimal("40.00")),
        ((Decimal("100.00"), Decimal("0.00"), Decimal("0.00")), Decimal("100.00")),
    ]
    assert all(p.provider_id is not None for p in report.providers)


@pytest.mark.django_db
def test_revenue_of_another_year_or_clinic_is_empty(
    system_actor: Actor, other_clinic: Clinic, year_of_billing: dict[str, object]
) -> None:
    report = get_revenue_report(actor=system_actor, year=2025)
    assert report.total.invoiced == Decimal("0.00")
    assert report.providers == []
    other = get_revenue_report(actor=system_actor_for(other_clinic), year=2026)
    assert other.total.collected == Decimal("0.00")


@pytest.mark.django_db
def test_revenue_report_costs_three_queries_whatever_the_data(
    system_actor: Actor,
    year_of_billing: dict[str, object],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(3):
        get_revenue_report(actor=system_actor, year=2026)
