"""Reads for the daily close: what a location's business day took in, per
payment method, against what was deposited.

A payment belongs to the location of the invoice it was taken against, or to
the clinic's first location (the oldest) when it names no invoice; a refund
belongs where its payment does. A day is the location's local calendar day,
so a payment at 23:30 in Toronto counts on that day, not on the UTC one.
Every figure is one aggregate query, whatever the number of payments.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from practica.billing.models import DailyClose, Deposit, Payment, Refund
from practica.core.money import ZERO, quantize
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# A refund to "the original card" comes off the payment's own method; the
# other refund methods share their value with a payment method.
ORIGINAL = Refund.Method.ORIGINAL.value


@dataclass(frozen=True)
class MethodRow:
    method: str
    label: str
    payments: Decimal = ZERO
    payment_count: int = 0
    refunds: Decimal = ZERO
    deposited: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return self.payments - self.refunds

    @property
    def difference(self) -> Decimal:
        """Deposited less expected: negative when the bank got less."""
        return self.deposited - self.expected

    @property
    def is_off(self) -> bool:
        return self.difference != ZERO

    def as_json(self) -> dict[str, str]:
        return {
            "payments": str(self.payments),
            "refunds": str(self.refunds),
            "expected": str(self.expected),
            "deposited": str(self.deposited),
            "difference": str(self.difference),
        }


@dataclass(frozen=True)
class CloseReport:
    location: Location
    business_on: dt.date
    rows: list[MethodRow]
    deposits: list[Deposit]
    close: DailyClose | None
    currency: str = field(default="CAD")

    @property
    def payments(self) -> Decimal:
        return sum((r.payments for r in self.rows), ZERO)

    @property
    def refunds(self) -> Decimal:
        return sum((r.refunds for r in self.rows), ZERO)

    @property
    def expected(self) -> Decimal:
        return sum((r.expected for r in self.rows), ZERO)

    @property
    def deposited(self) -> Decimal:
        return sum((r.deposited for r in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.deposited - self.expected

    @property
    def is_off(self) -> bool:
        return self.difference != ZERO

    @property
    def is_closed(self) -> bool:
        return self.close is not None

    @property
    def changed_since_close(self) -> bool:
        """A payment or refund dated that day arrived after the close."""
        return self.close is not None and self.close.expected_total != self.expected


def day_bounds(day: dt.date, tz: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local day starts and the next one starts
    (23 or 25 hours apart on a daylight-saving change)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def list_close_locations(*, actor: Actor) -> list[Location]:
    """The clinic's locations, the first (oldest) first: it also takes the
    payments that name no invoice."""
    return list(Location.objects.filter(clinic=actor.clinic).order_by("pk"))


def get_close_location(*, actor: Actor, location_id: int) -> Location:
    return scoped_get_or_404(actor, Location.objects.all(), pk=location_id)


def _takes_unlinked(actor: Actor, location: Location) -> bool:
    first = (
        Location.objects.filter(clinic=actor.clinic)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return first == location.pk


def close_rows(
    *, actor: Actor, location: Location, business_on: dt.date
) -> list[MethodRow]:
    """Per payment method, that local day's payments, refunds and deposits
    (3 aggregate queries, plus one to find the clinic's first location)."""
    start, end = day_bounds(business_on, location.tz)
    here = Q(invoice__location=location)
    refund_here = Q(payment__invoice__location=location)
    if _takes_unlinked(actor, location):
        here |= Q(invoice__isnull=True)
        refund_here |= Q(payment__invoice__isnull=True)
    payments = (
        Payment.objects.filter(
            here, clinic=actor.clinic, received_at__gte=start, received_at__lt=end
        )
        .order_by()
        .values("method")
        .annotate(total=Sum("amount"), count=Count("id"))
    )
    refunds = (
        Refund.objects.filter(
            refund_here,
            clinic=actor.clinic,
            refunded_at__gte=start,
            refunded_at__lt=end,
        )
        .order_by()
        .values("method", "payment__method")
        .annotate(total=Sum("amount"))
    )
    deposits = (
        Deposit.objects.filter(
            clinic=actor.clinic, location=location, business_on=business_on
        )
        .order_by()
        .values("method")
        .annotate(total=Sum("amount"))
    )
    paid: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    refunded: dict[str, Decimal] = {}
    deposited: dict[str, Decimal] = {}
    for row in payments:
        paid[row["method"]] = quantize(row["total"])
        counts[row["method"]] = row["count"]
    for refund in refunds:
        method = (
            refund["payment__method"]
            if refund["method"] == ORIGINAL
            else refund["method"]
        )
        refunded[method] = refunded.get(method, ZERO) + quantize(refund["total"])
    for deposit in deposits:
        deposited[deposit["method"]] = quantize(deposit["total"])
    seen = paid.keys() | refunded.keys() | deposited.keys()
    return [
        MethodRow(
            method=method,
            label=str(label),
            payments=paid.get(method, ZERO),
            payment_count=counts.get(method, 0),
            refunds=refunded.get(method, ZERO),
            deposited=deposited.get(method, ZERO),
        )
        for method, label in Payment.Method.choices
        if method in seen
    ]


def get_close_report(
    *, actor: Actor, location: Location, business_on: dt.date
) -> CloseReport:
    """The day's reconciliation: figures per method, the deposits entered and
    the close if the day is closed (6 queries)."""
    rows = close_rows(actor=actor, location=location, business_on=business_on)
    deposits = list(
        Deposit.objects.filter(
            clinic=actor.clinic, location=location, business_on=business_on
        )
        .select_related("recorded_by")
        .order_by("created_at", "pk")
    )
    close = (
        DailyClose.objects.filter(
            clinic=actor.clinic, location=location, business_on=business_on
        )
        .select_related("closed_by")
        .first()
    )
    return CloseReport(
        location=location,
        business_on=business_on,
        rows=rows,
        deposits=deposits,
        close=close,
        currency=location.currency,
    )
