"""The demo seeder of the daily close."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from practica.billing.models import DailyClose, Deposit, Payment
from practica.billing.tests.factories_daily import make_paid
from practica.demo.billing_daily import seed_daily
from practica.tenancy.models import Clinic

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
TODAY = dt.date(2026, 3, 12)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TORONTO)


@pytest.mark.django_db
def test_seed_daily_deposits_the_takings_one_day_short_and_closes_yesterday(
    clinic: Clinic,
) -> None:
    # given cash and card takings on the 9th, 10th and 11th
    for day in (9, 10, 11):
        make_paid(clinic, amount=Decimal("100.00"), received_at=at(day, 10))
        make_paid(
            clinic,
            amount=Decimal("40.00"),
            method=Payment.Method.CARD,
            received_at=at(day, 11),
        )
    # when the seeder runs
    counts = seed_daily(clinic, today=TODAY)
    # then each day is deposited, the 10th 20.00 short in cash, the 11th closed
    assert counts == {"deposits": 6, "closed_days": 1, "short_days": 1}
    short = Deposit.objects.get(business_on=dt.date(2026, 3, 10), method="cash")
    assert short.amount == Decimal("80.00")
    close = DailyClose.objects.get()
    assert (close.business_on, close.difference) == (
        dt.date(2026, 3, 11),
        Decimal("0.00"),
    )
