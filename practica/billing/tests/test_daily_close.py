"""The daily close: per-method arithmetic, local days, deposits and closing."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.billing.models import DailyClose, Deposit, Payment, Refund
from practica.billing.selectors_close import day_bounds, get_close_report
from practica.billing.services.close import DailyCloseError, close_day, record_deposit
from practica.billing.tests.factories_daily import (
    DepositFactory,
    RefundFactory,
    make_paid,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.tests.factories import LocationFactory

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TORONTO)


def main(clinic: Clinic) -> Location:
    return Location.objects.for_clinic(clinic).order_by("pk").first()  # type: ignore[no-any-return]  # the clinic's first location


@pytest.mark.django_db
def test_close_nets_refunds_and_deposits_per_method(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given cash, card and e-transfer payments, a refund to the original card,
    # a cash refund and deposits short on cash
    location = main(clinic)
    make_paid(clinic, amount=Decimal("100.00"), received_at=at(DAY, 9))
    make_paid(clinic, amount=Decimal("45.50"), received_at=at(DAY, 11))
    card = make_paid(
        clinic,
        amount=Decimal("120.00"),
        method=Payment.Method.CARD,
        received_at=at(DAY, 12),
    )
    make_paid(
        clinic,
        amount=Decimal("80.00"),
        method=Payment.Method.ETRANSFER,
        received_at=at(DAY, 15),
    )
    RefundFactory(
        payment=card,
        method=Refund.Method.ORIGINAL,
        amount=Decimal("20.00"),
        refunded_at=at(DAY, 16),
    )
    RefundFactory(
        payment=card,
        method=Refund.Method.CASH,
        amount=Decimal("5.00"),
        refunded_at=at(DAY, 17),
    )
    DepositFactory(location=location, business_on=DAY, amount=Decimal("120.00"))
    DepositFactory(
        location=location,
        business_on=DAY,
        method=Payment.Method.CARD,
        amount=Decimal("100.00"),
    )
    # when the report is read
    report = get_close_report(actor=system_actor, location=location, business_on=DAY)
    # then each method nets its refunds and compares with its deposits
    rows = {r.method: r for r in report.rows}
    assert list(rows) == ["cash", "card", "etransfer"]
    assert (rows["cash"].payments, rows["cash"].refunds) == (
        Decimal("145.50"),
        Decimal("5.00"),
    )
    assert rows["cash"].payment_count == 2
    assert rows["cash"].expected == Decimal("140.50")
    assert rows["cash"].difference == Decimal("-20.50")
    assert rows["card"].expected == Decimal("100.00")
    assert rows["card"].difference == Decimal("0.00")
    assert rows["card"].is_off is False
    assert rows["etransfer"].difference == Decimal("-80.00")
    assert report.expected == Decimal("320.50")
    assert report.deposited == Decimal("220.00")
    assert report.difference == Decimal("-100.50")


@pytest.mark.django_db
def test_a_payment_at_23_30_local_counts_on_its_local_day(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a payment at 23:30 Toronto time (04:30 UTC the next day)
    location = main(clinic)
    make_paid(clinic, amount=Decimal("60.00"), received_at=at(DAY, 23, 30))
    # when that day and the next are read
    that_day = get_close_report(actor=system_actor, location=location, business_on=DAY)
    next_day = get_close_report(
        actor=system_actor, location=location, business_on=DAY + dt.timedelta(days=1)
    )
    # then it belongs to the local day only
    assert that_day.expected == Decimal("60.00")
    assert next_day.rows == []


def test_day_bounds_follow_daylight_saving() -> None:
    # given the spring-forward day in Toronto (23 hours long)
    start, end = day_bounds(dt.date(2026, 3, 8), TORONTO)
    # then it runs from 05:00 UTC to 04:00 UTC
    assert start == dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 9, 4, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_unlinked_payments_go_to_the_first_location_and_others_stay_apart(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a second location with its own payment
    first = main(clinic)
    second = LocationFactory(clinic=clinic, name="Uptown")
    make_paid(clinic, amount=Decimal("70.00"), received_at=at(DAY, 10))
    make_paid(clinic, amount=Decimal("30.00"), received_at=at(DAY, 10), location=second)
    # when each location's day is read
    here = get_close_report(actor=system_actor, location=first, business_on=DAY)
    there = get_close_report(actor=system_actor, location=second, business_on=DAY)
    # then each sees its own payment
    assert here.expected == Decimal("70.00")
    assert there.expected == Decimal("30.00")


@pytest.mark.django_db
def test_close_report_costs_the_same_queries_whatever_the_day_holds(
    clinic: Clinic,
    system_actor: Actor,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given a day with many payments, refunds and deposits
    location = main(clinic)
    for hour in range(8, 14):
        payment = make_paid(clinic, amount=Decimal("10.00"), received_at=at(DAY, hour))
        RefundFactory(payment=payment, amount=Decimal("1.00"), refunded_at=at(DAY, 18))
        DepositFactory(location=location, business_on=DAY)
    # when the report is read, then it costs 6 queries
    with django_assert_num_queries(6):
        report = get_close_report(
            actor=system_actor, location=location, business_on=DAY
        )
    assert report.expected == Decimal("54.00")


@pytest.mark.django_db
def test_record_deposit_saves_and_audits(clinic: Clinic, system_actor: Actor) -> None:
    # given the main location
    location = main(clinic)
    # when a deposit is recorded
    deposit = record_deposit(
        actor=system_actor,
        location=location,
        business_on=DAY,
        method=Payment.Method.CASH,
        amount="120.00",
        reference=" slip 44 ",
    )
    # then it is kept with its reference and audited
    assert (deposit.amount, deposit.reference) == (Decimal("120.00"), "slip 44")
    assert (
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, action="create", object_type="billing.deposit"
        ).count()
        == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "amount", "field", "message"),
    [
        ("cash", "-5.00", "amount", "The amount must be more than 0."),
        ("cash", "0", "amount", "The amount must be more than 0."),
        ("cash", "10.005", "amount", "The amount can have at most 2 decimal places."),
        ("cash", "ten", "amount", "Enter an amount such as 40.00."),
        ("bitcoin", "10.00", "method", "Choose a payment method."),
    ],
)
def test_record_deposit_refuses_bad_input_and_changes_nothing(
    clinic: Clinic,
    system_actor: Actor,
    method: str,
    amount: str,
    field: str,
    message: str,
) -> None:
    # given the main location
    location = main(clinic)
    # when a bad deposit is recorded
    with pytest.raises(DailyCloseError) as refused:
        record_deposit(
            actor=system_actor,
            location=location,
            business_on=DAY,
            method=method,
            amount=amount,
        )
    # then the field is named and nothing is saved
    assert (refused.value.field, refused.value.message) == (field, message)
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_record_deposit_refuses_a_future_day(
    clinic: Clinic, system_actor: Actor
) -> None:
    with pytest.raises(DailyCloseError) as refused:
        record_deposit(
            actor=system_actor,
            location=main(clinic),
            business_on=timezone.localdate() + dt.timedelta(days=2),
            method="cash",
            amount="1.00",
        )
    assert refused.value.field == "business_on"
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_close_day_freezes_the_figures_per_method(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a cash day deposited 20.00 short
    location = main(clinic)
    make_paid(clinic, amount=Decimal("100.00"), received_at=at(DAY, 9))
    DepositFactory(location=location, business_on=DAY, amount=Decimal("80.00"))
    # when the day is closed
    close = close_day(
        actor=system_actor, location=location, business_on=DAY, note="Float kept"
    )
    # then the totals are frozen with the difference and the close is audited
    assert close.totals == {
        "cash": {
            "payments": "100.00",
            "refunds": "0.00",
            "expected": "100.00",
            "deposited": "80.00",
            "difference": "-20.00",
        }
    }
    assert (close.expected_total, close.deposited_total, close.difference) == (
        Decimal("100.00"),
        Decimal("80.00"),
        Decimal("-20.00"),
    )
    assert close.note == "Float kept"
    assert (
        AuditEntry.objects.filter(
            clinic_id=clinic.pk, action="close", object_type="billing.dailyclose"
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_a_closed_day_refuses_deposits_and_a_second_close(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a closed day
    location = main(clinic)
    close_day(actor=system_actor, location=location, business_on=DAY)
    # when a deposit or another close is attempted
    with pytest.raises(DailyCloseError) as deposit_refused:
        record_deposit(
            actor=system_actor,
            location=location,
            business_on=DAY,
            method="cash",
            amount="10.00",
        )
    with pytest.raises(DailyCloseError) as close_refused:
        close_day(actor=system_actor, location=location, business_on=DAY)
    # then both are refused on the day and nothing is added
    assert deposit_refused.value.message == (
        "This day is closed; it takes no more deposits."
    )
    assert close_refused.value.message == "This day is already closed."
    assert Deposit.objects.count() == 0
    assert DailyClose.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_day_still_takes_deposits_for_another_day_or_location(
    clinic: Clinic, system_actor: Actor
) -> None:
    location = main(clinic)
    close_day(actor=system_actor, location=location, business_on=DAY)
    other = LocationFactory(clinic=clinic, name="Uptown")
    record_deposit(
        actor=system_actor,
        location=location,
        business_on=DAY - dt.timedelta(days=1),
        method="cash",
        amount="10.00",
    )
    record_deposit(
        actor=system_actor, location=other, business_on=DAY, method="cash", amount="1"
    )
    assert Deposit.objects.count() == 2


@pytest.mark.django_db
def test_services_refuse_another_clinics_location(
    clinic: Clinic, other_clinic: Clinic, system_actor: Actor
) -> None:
    foreign = main(other_clinic)
    with pytest.raises(DailyCloseError):
        record_deposit(
            actor=system_actor,
            location=foreign,
            business_on=DAY,
            method="cash",
            amount="1.00",
        )
    with pytest.raises(DailyCloseError):
        close_day(actor=system_actor, location=foreign, business_on=DAY)
    assert Deposit.objects.count() == 0
    assert DailyClose.objects.count() == 0


@pytest.mark.django_db
def test_close_day_refuses_a_note_too_long(clinic: Clinic, system_actor: Actor) -> None:
    with pytest.raises(DailyCloseError) as refused:
        close_day(
            actor=system_actor, location=main(clinic), business_on=DAY, note="x" * 301
        )
    assert refused.value.field == "note"
    assert DailyClose.objects.count() == 0
