"""The monthly revenue report: per month of one year, what was invoiced (net
of tax, less credit notes), the tax on it, what was collected (payments less
refunds) and what was written off; and invoiced per provider per month.

Months are calendar months in the clinic's time zone (its first location's).
Each half of the report is one query, a UNION ALL of per-month aggregates,
so the page costs the same whatever the years of data behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db.models import (
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    Model,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth

from practica.billing.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Refund,
)
from practica.billing.selectors_close import day_bounds
from practica.core.money import ZERO, quantize
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

MONTHS = range(1, 13)
M = TypeVar("M", bound=Model)
# (source, month, amount, tax) of one month's aggregate.
Row = tuple[str, int, Decimal, Decimal]
_MONEY = DecimalField(max_digits=14, decimal_places=2)
# Revenue shows invoices that were issued and still stand.
_NOT_COUNTED = (Invoice.Status.DRAFT, Invoice.Status.VOID)

INVOICED = "invoiced"
COLLECTED = "collected"
WRITTEN_OFF = "written_off"


@dataclass(frozen=True)
class RevenueMonth:
    month: int
    invoiced: Decimal = ZERO
    tax: Decimal = ZERO
    collected: Decimal = ZERO
    written_off: Decimal = ZERO

    @property
    def label(self) -> str:
        return dt.date(2000, self.month, 1).strftime("%b")


@dataclass(frozen=True)
class ProviderRevenue:
    provider_id: int | None
    name: str
    months: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


@dataclass(frozen=True)
class RevenueReport:
    year: int
    currency: str
    months: list[RevenueMonth]
    providers: list[ProviderRevenue]

    @property
    def total(self) -> RevenueMonth:
        return RevenueMonth(
            month=1,
            invoiced=sum((m.invoiced for m in self.months), ZERO),
            tax=sum((m.tax for m in self.months), ZERO),
            collected=sum((m.collected for m in self.months), ZERO),
            written_off=sum((m.written_off for m in self.months), ZERO),
        )


def _money(expression: Sum | ExpressionWrapper | Value) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=_MONEY)


def _part(
    queryset: QuerySet[M],
    source: str,
    month: ExtractMonth,
    amount: Sum,
    tax: Sum | Value,
) -> QuerySet[M, Row]:
    """One UNION ALL member: (source, month, amount, tax) grouped by month."""
    return (
        queryset.order_by()
        .annotate(source=Value(source, output_field=CharField()), month=month)
        .values("source", "month")
        .annotate(amount=_money(amount), tax=_money(tax))
        .values_list("source", "month", "amount", "tax")
    )


def _minus(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(-F(field), output_field=_MONEY)


def _net(total: str, tax: str, *, sign: int = 1) -> ExpressionWrapper:
    expression = F(total) - F(tax) if sign > 0 else F(tax) - F(total)
    return ExpressionWrapper(expression, output_field=_MONEY)


def get_revenue_report(*, actor: Actor, year: int) -> RevenueReport:
    """The year's revenue by month and by provider (3 queries: the clinic's
    first location, the monthly figures, the provider figures)."""
    clinic = actor.clinic
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    tz = location.tz if location is not None else dt.UTC
    start = day_bounds(dt.date(year, 1, 1), tz)[0]  # type: ignore[arg-type]  # ZoneInfo or UTC both carry utcoffset
    end = day_bounds(dt.date(year + 1, 1, 1), tz)[0]  # type: ignore[arg-type]  # as above
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    zero = Value(ZERO, output_field=_MONEY)

    invoices = _part(
        Invoice.objects.filter(
            clinic=clinic, issued_on__range=(first_day, last_day)
        ).exclude(status__in=_NOT_COUNTED),
        INVOICED,
        ExtractMonth("issued_on"),
        Sum(_net("total", "tax_total")),
        Sum("tax_total"),
    )
    credits = _part(
        CreditNote.objects.filter(
            clinic=clinic, issued_on__range=(first_day, last_day)
        ).exclude(invoice__status__in=_NOT_COUNTED),
        INVOICED,
        ExtractMonth("issued_on"),
        Sum(_net("total", "tax_total", sign=-1)),
        Sum(_minus("tax_total")),
    )
    payments = _part(
        Payment.objects.filter(
            clinic=clinic, received_at__gte=start, received_at__lt=end
        ),
        COLLECTED,
        ExtractMonth("received_at", tzinfo=tz),
        Sum("amount"),
        zero,
    )
    refunds = _part(
        Refund.objects.filter(
            clinic=clinic, refunded_at__gte=start, refunded_at__lt=end
        ),
        COLLECTED,
        ExtractMonth("refunded_at", tzinfo=tz),
        Sum(_minus("amount")),
        zero,
    )
    write_offs = _part(
        LedgerEntry.objects.filter(
            clinic=clinic,
            kind=LedgerEntry.Kind.WRITE_OFF,
            posted_at__gte=start,
            posted_at__lt=end,
        ),
        WRITTEN_OFF,
        ExtractMonth("posted_at", tzinfo=tz),
        Sum(_minus("amount")),
        zero,
    )
    figures: dict[tuple[str, int], list[Decimal]] = {}
    for source, month, amount, tax in invoices.union(
        credits, payments, refunds, write_offs, all=True
    ):
        sums = figures.setdefault((source, month), [ZERO, ZERO])
        sums[0] += Decimal(amount)
        sums[1] += Decimal(tax)

    def figure(source: str, month: int, index: int = 0) -> Decimal:
        return quantize(figures.get((source, month), [ZERO, ZERO])[index])

    months = [
        RevenueMonth(
            month=month,
            invoiced=figure(INVOICED, month),
            tax=figure(INVOICED, month, 1),
            collected=figure(COLLECTED, month),
            written_off=figure(WRITTEN_OFF, month),
        )
        for month in MONTHS
    ]
    return RevenueReport(
        year=year,
        currency=location.currency if location is not None else clinic.currency,
        months=months,
        providers=_provider_rows(actor, first_day, last_day),
    )


def _provider_rows(
    actor: Actor, first_day: dt.date, last_day: dt.date
) -> list[ProviderRevenue]:
    """Invoiced (net of tax, less credit notes) per provider per month, by
    the provider named on each line; one UNION ALL query."""
    name = Value("", output_field=CharField())
    lines = (
        InvoiceLine.objects.filter(
            clinic=actor.clinic,
            invoice__issued_on__range=(first_day, last_day),
        )
        .exclude(invoice__status__in=_NOT_COUNTED)
        .order_by()
        .annotate(
            month=ExtractMonth("invoice__issued_on"),
            who=F("provider_id"),
            name=Coalesce(F("provider__display_name"), name),
        )
        .values("who", "name", "month")
        .annotate(net=_money(Sum(_net("line_total", "tax_amount"))))
        .values_list("who", "name", "month", "net")
    )
    credits = (
        CreditNoteLine.objects.filter(
            clinic=actor.clinic,
            credit_note__issued_on__range=(first_day, last_day),
        )
        .exclude(credit_note__invoice__status__in=_NOT_COUNTED)
        .order_by()
        .annotate(
            month=ExtractMonth("credit_note__issued_on"),
            who=F("invoice_line__provider_id"),
            name=Coalesce(F("invoice_line__provider__display_name"), name),
        )
        .values("who", "name", "month")
        .annotate(net=_money(Sum(_minus("amount"))))
        .values_list("who", "name", "month", "net")
    )
    totals: dict[int | None, list[Decimal]] = {}
    names: dict[int | None, str] = {}
    for who, label, month, amount in lines.union(credits, all=True):
        row = totals.setdefault(who, [ZERO] * 12)
        row[month - 1] += Decimal(amount)
        names[who] = label or names.get(who, "")
    rows = [
        ProviderRevenue(
            provider_id=who,
            name=names[who] or ("No provider" if who is None else f"Member {who}"),
            months=tuple(quantize(v) for v in values),
        )
        for who, values in totals.items()
    ]
    return sorted(rows, key=lambda r: (r.provider_id is None, r.name))
