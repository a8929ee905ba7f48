"""Demo deposits and a closed day for the daily close report.

For the last few days at each location the deposits match the day's takings
per method, except one day whose largest deposit is 20.00 short, so the
report shows a highlighted difference; yesterday is closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from practica.billing.selectors_close import close_rows, list_close_locations
from practica.billing.services.close import close_day, record_deposit
from practica.core.money import ZERO
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

DAYS_BACK = 4
SHORT_DAY = 2  # days before today
SHORT_BY = Decimal("20.00")


def seed_daily(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    deposits = 0
    closes = 0
    short_days = 0
    for location in list_close_locations(actor=actor):
        for back in range(DAYS_BACK, 0, -1):
            day = today - dt.timedelta(days=back)
            rows = [
                r
                for r in close_rows(actor=actor, location=location, business_on=day)
                if r.expected > ZERO
            ]
            largest = max(rows, key=lambda r: r.expected, default=None)
            for row in rows:
                amount = row.expected
                if back == SHORT_DAY and row is largest and amount > SHORT_BY:
                    amount -= SHORT_BY
                    short_days += 1
                record_deposit(
                    actor=actor,
                    location=location,
                    business_on=day,
                    method=row.method,
                    amount=amount,
                    reference=f"Deposit {day:%m%d}-{row.method}",
                )
                deposits += 1
        close_day(
            actor=actor,
            location=location,
            business_on=today - dt.timedelta(days=1),
            note="Demo close",
        )
        closes += 1
    return {"deposits": deposits, "closed_days": closes, "short_days": short_days}
