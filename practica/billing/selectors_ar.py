"""Accounts receivable reads: AR aging, one patient's account and statement.

Everything is a ledger sum computed in SQL (balances are never stored, see
`models/ledger.py`). The aging is one aggregate query over the ledger joined to
its invoices, grouped by patient, each entry counted in the bucket of its
invoice's age (days since the due date, or the issue date when there is none).
The bucket cut-off dates are worked out here, so the SQL only compares dates
and runs the same on SQLite and PostgreSQL.

"By payer" comes with insurance claims: every ledger entry has a `party`, and
`aging_rows(party=...)` filters on it; today the only party is the patient.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from practica.audit.services import record_view
from practica.billing.models import (
    CollectionRecord,
    CollectionStep,
    CreditNote,
    Invoice,
    LedgerEntry,
    Payment,
    Refund,
    WriteOff,
)
from practica.billing.selectors import _with_balance
from practica.core.money import ZERO, quantize
from practica.patients.models import Patient
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location, Membership

MONEY = DecimalField(max_digits=14, decimal_places=2)
BUCKETS = ("current", "days_31_60", "days_61_90", "over_90")
BUCKET_LABELS = {
    "current": "Current (0-30)",
    "days_31_60": "31-60",
    "days_61_90": "61-90",
    "over_90": "90+",
}
# Sortable columns of the aging page: the query string's key -> ORDER BY.
AGING_SORTS: Mapping[str, tuple[str, ...]] = {
    "name": ("patient__last_name_key", "patient__first_name_key"),
    "total": ("-open_total",),
    "current": ("-current",),
    "days_31_60": ("-days_31_60",),
    "days_61_90": ("-days_61_90",),
    "over_90": ("-over_90",),
    "credit": ("-credit",),
}
DEFAULT_SORT = "total"
AGING_PAGE_SIZE = 50
RECENT_LIMIT = 10


class AgingRow(TypedDict):
    """One patient's line of the aging (a `values()` row)."""

    patient_id: uuid.UUID
    patient__first_name: str
    patient__last_name: str
    current: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    credit: Decimal
    open_total: Decimal


@dataclass(frozen=True)
class AgingTotals:
    patients: int = 0
    current: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    credit: Decimal = ZERO
    open_total: Decimal = ZERO

    def buckets(self) -> list[tuple[str, Decimal]]:
        return [(BUCKET_LABELS[name], getattr(self, name)) for name in BUCKETS]


@dataclass(frozen=True)
class AgingReport:
    as_of: dt.date
    sort: str
    page: Page[AgingRow]
    totals: AgingTotals
    currency: str


class _CountedPaginator(Paginator):
    """A paginator told its count (read with the totals, one query fewer)."""

    def __init__(
        self, object_list: QuerySet[LedgerEntry, AgingRow], per_page: int, count: int
    ) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def clinic_location(actor: Actor) -> Location | None:
    """The clinic's first location: its time zone and address head a statement."""
    return Location.objects.filter(clinic=actor.clinic).order_by("pk").first()


def clinic_today(actor: Actor, location: Location | None = None) -> dt.date:
    """Today in the time zone of the clinic's first location."""
    place = location if location is not None else clinic_location(actor)
    if place is None:
        return timezone.localdate()
    return timezone.localdate(timezone.now(), place.tz)


def _day_end(day: dt.date, location: Location | None) -> dt.datetime:
    """The first instant after `day` in the location's zone (an exclusive bound)."""
    zone = location.tz if location is not None else timezone.get_current_timezone()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _dated_from(start: dt.date | None, end: dt.date | None) -> Q:
    """Entries whose invoice's reference date (due, else issued) is in
    [start, end). Plain column comparisons, so indexes and both databases
    serve it."""
    due = Q(invoice__due_on__isnull=False)
    issued = Q(invoice__due_on__isnull=True)
    if start is not None:
        due &= Q(invoice__due_on__gte=start)
        issued &= Q(invoice__issued_on__gte=start)
    if end is not None:
        due &= Q(invoice__due_on__lt=end)
        issued &= Q(invoice__issued_on__lt=end)
    return due | issued


def _money_sum(condition: Q, *, negate: bool = False) -> Round:
    amount = -F("amount") if negate else F("amount")
    # SQLite sums decimals as floats: round in SQL so 0 reads 0.00.
    return Round(
        Coalesce(Sum(amount, filter=condition, output_field=MONEY), Value(ZERO)),
        2,
        output_field=MONEY,
    )


def _aging_entries(
    *,
    actor: Actor,
    as_of: dt.date,
    location: Location | None,
    party: str,
    patient: Patient | None,
) -> QuerySet[LedgerEntry]:
    """The ledger entries that make up the aging as of the end of `as_of`."""
    # Today's open invoices are exactly the ones with a balance, so the status
    # index narrows the join; an earlier date must look at every issued one.
    if as_of >= clinic_today(actor, location):
        statuses: Sequence[str] = Invoice.OPEN_STATUSES
    else:
        statuses = [s for s in Invoice.Status.values if s != Invoice.Status.DRAFT]
    entries = LedgerEntry.objects.filter(
        clinic=actor.clinic,
        party=party,
        posted_at__lt=_day_end(as_of, location),
    ).filter(
        Q(invoice__isnull=True)
        | Q(invoice__status__in=statuses, invoice__issued_on__lte=as_of)
    )
    if patient is not None:
        entries = entries.filter(patient=patient)
    return entries.order_by()


def _aging_sums(as_of: dt.date) -> dict[str, Round]:
    cut_30 = as_of - dt.timedelta(days=30)
    cut_60 = as_of - dt.timedelta(days=60)
    cut_90 = as_of - dt.timedelta(days=90)
    on_invoice = Q(invoice__isnull=False)
    return {
        "current": _money_sum(on_invoice & _dated_from(cut_30, None)),
        "days_31_60": _money_sum(on_invoice & _dated_from(cut_60, cut_30)),
        "days_61_90": _money_sum(on_invoice & _dated_from(cut_90, cut_60)),
        "over_90": _money_sum(on_invoice & _dated_from(None, cut_90)),
        "credit": _money_sum(Q(invoice__isnull=True), negate=True),
        "open_total": _money_sum(on_invoice),
    }


def aging_rows(
    *,
    actor: Actor,
    as_of: dt.date,
    location: Location | None = None,
    party: str = LedgerEntry.Party.PATIENT,
    patient: Patient | None = None,
) -> QuerySet[LedgerEntry, AgingRow]:
    """Open balances per patient by age bucket, and account credit, as of the
    end of `as_of`: one GROUP BY query (a patient shows while owing or in
    credit)."""
    entries = _aging_entries(
        actor=actor, as_of=as_of, location=location, party=party, patient=patient
    )
    # The stubs cannot see annotations passed as **kwargs: the row type and
    # the exclude on them are checked by the tests instead.
    rows = entries.values(
        "patient_id", "patient__first_name", "patient__last_name"
    ).annotate(**_aging_sums(as_of))
    return rows.exclude(open_total=0, credit=0)  # type: ignore[misc,return-value]


def get_ar_aging(
    *, actor: Actor, as_of: dt.date | None, sort: str | None, page: str | int | None
) -> AgingReport:
    """The aging page: one page of patients, sorted by a whitelisted column,
    and the clinic's totals. Three aggregate queries (totals, count, page)
    whatever the data size."""
    location = clinic_location(actor)
    day = as_of or clinic_today(actor, location)
    key = sort if sort is not None and sort in AGING_SORTS else DEFAULT_SORT
    rows = aging_rows(actor=actor, as_of=day, location=location)
    entries = _aging_entries(
        actor=actor,
        as_of=day,
        location=location,
        party=LedgerEntry.Party.PATIENT,
        patient=None,
    )
    sums = entries.aggregate(**_aging_sums(day))
    ordered = rows.order_by(*AGING_SORTS[key], "patient_id")
    paginator = _CountedPaginator(ordered, AGING_PAGE_SIZE, rows.count())
    return AgingReport(
        as_of=day,
        sort=key,
        page=paginator.get_page(page),
        totals=AgingTotals(
            patients=paginator.count,
            **{name: quantize(Decimal(value)) for name, value in sums.items()},
        ),
        currency=location.currency if location is not None else "CAD",
    )


def aging_csv_rows(
    *, actor: Actor, as_of: dt.date | None, sort: str | None
) -> tuple[dt.date, list[AgingRow]]:
    """Every row of the aging, for the CSV download; the download is audited
    (it names patients)."""
    location = clinic_location(actor)
    day = as_of or clinic_today(actor, location)
    key = sort if sort is not None and sort in AGING_SORTS else DEFAULT_SORT
    rows = aging_rows(actor=actor, as_of=day, location=location)
    listed = list(rows.order_by(*AGING_SORTS[key], "patient_id"))
    record_view(
        actor=actor,
        obj=None,
        patient_id=None,
        detail=f"ar_aging_csv as_of={day.isoformat()} rows={len(listed)}",
    )
    return day, listed


def patient_aging(
    *, actor: Actor, patient: Patient, as_of: dt.date, location: Location | None
) -> AgingTotals:
    """One patient's buckets (one query)."""
    rows = list(
        aging_rows(actor=actor, as_of=as_of, location=location, patient=patient)
    )
    if not rows:
        return AgingTotals()
    row = rows[0]
    return AgingTotals(
        patients=1,
        **{
            name: quantize(row[name])  # type: ignore[literal-required]  # name is a bucket key
            for name in (*BUCKETS, "credit", "open_total")
        },
    )


# One patient's account -------------------------------------------------------


@dataclass(frozen=True)
class PatientAccount:
    patient: Patient
    balance: Decimal
    credit: Decimal
    open_invoices: list[Invoice]
    payments: list[Payment]
    refunds: list[Refund]
    credit_notes: list[CreditNote]
    write_offs: list[WriteOff]
    aging: AgingTotals
    as_of: dt.date
    currency: str

    @property
    def owed(self) -> Decimal:
        """What the open invoices still ask for (before account credit)."""
        return self.balance + self.credit


def _balance_and_credit(actor: Actor, patient: Patient) -> tuple[Decimal, Decimal]:
    sums = LedgerEntry.objects.filter(clinic=actor.clinic, patient=patient).aggregate(
        balance=_money_sum(Q()),
        credit=_money_sum(Q(invoice__isnull=True), negate=True),
    )
    return quantize(sums["balance"]), quantize(sums["credit"])


def list_open_invoices(*, actor: Actor, patient: Patient) -> list[Invoice]:
    """The patient's open invoices, oldest first, each with `balance`."""
    invoices = Invoice.objects.filter(
        clinic=actor.clinic, patient=patient, status__in=Invoice.OPEN_STATUSES
    )
    return list(_with_balance(invoices).order_by("issued_on", "number"))


def get_patient_account(*, actor: Actor, patient_id: uuid.UUID) -> PatientAccount:
    """Balance, credit, open invoices, recent money movements and aging of one
    patient. A view is audited (it names the patient)."""
    patient = scoped_get_or_404(actor, Patient.objects.all(), pk=patient_id)
    location = clinic_location(actor)
    today = clinic_today(actor, location)
    balance, credit = _balance_and_credit(actor, patient)
    account = PatientAccount(
        patient=patient,
        balance=balance,
        credit=credit,
        open_invoices=list_open_invoices(actor=actor, patient=patient),
        payments=list(
            Payment.objects.filter(clinic=actor.clinic, patient=patient)
            .select_related("invoice")
            .order_by("-received_at")[:RECENT_LIMIT]
        ),
        refunds=list(
            Refund.objects.filter(clinic=actor.clinic, patient=patient).order_by(
                "-refunded_at"
            )[:RECENT_LIMIT]
        ),
        credit_notes=list(
            CreditNote.objects.filter(clinic=actor.clinic, patient=patient)
            .select_related("invoice")
            .order_by("-number")[:RECENT_LIMIT]
        ),
        write_offs=list(
            WriteOff.objects.filter(clinic=actor.clinic, patient=patient)
            .select_related("invoice")
            .order_by("-created_at")[:RECENT_LIMIT]
        ),
        aging=patient_aging(
            actor=actor, patient=patient, as_of=today, location=location
        ),
        as_of=today,
        currency=location.currency if location is not None else "CAD",
    )
    record_view(actor=actor, obj=patient, patient_id=patient.pk, detail="account")
    return account


# Statements ------------------------------------------------------------------

STATEMENT_DEFAULT_DAYS = 90
STATEMENT_MAX_DAYS = 732
STATEMENT_KINDS = (
    LedgerEntry.Kind.CHARGE,
    LedgerEntry.Kind.PAYMENT,
    LedgerEntry.Kind.REFUND,
    LedgerEntry.Kind.CREDIT_NOTE,
    LedgerEntry.Kind.WRITE_OFF,
    LedgerEntry.Kind.VOID,
)


@dataclass(frozen=True)
class StatementLine:
    posted_on: dt.date
    kind: str
    label: str
    invoice_number: int | None
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    patient: Patient
    location: Location | None
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal
    aging: AgingTotals
    currency: str
    totals_by_kind: dict[str, Decimal] = field(default_factory=dict)

    @property
    def charges(self) -> Decimal:
        return self.totals_by_kind.get(LedgerEntry.Kind.CHARGE, ZERO)

    @property
    def payments(self) -> Decimal:
        return -self.totals_by_kind.get(LedgerEntry.Kind.PAYMENT, ZERO)

    @property
    def refunds(self) -> Decimal:
        return self.totals_by_kind.get(LedgerEntry.Kind.REFUND, ZERO)

    @property
    def credits(self) -> Decimal:
        """Credit notes, write-offs and voids: what the patient no longer owes."""
        return -sum(
            (
                self.totals_by_kind.get(kind, ZERO)
                for kind in (
                    LedgerEntry.Kind.CREDIT_NOTE,
                    LedgerEntry.Kind.WRITE_OFF,
                    LedgerEntry.Kind.VOID,
                )
            ),
            ZERO,
        )


def default_statement_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=STATEMENT_DEFAULT_DAYS - 1), today


def build_statement(
    *, actor: Actor, patient: Patient, start: dt.date, end: dt.date
) -> Statement:
    """A statement without an audit entry (for the collections run and email,
    which audit their own change)."""
    location = clinic_location(actor)
    begin_at = _day_end(start - dt.timedelta(days=1), location)
    end_at = _day_end(end, location)
    entries = LedgerEntry.objects.filter(clinic=actor.clinic, patient=patient)
    opening_sum = entries.filter(posted_at__lt=begin_at).aggregate(
        total=_money_sum(Q())
    )["total"]
    opening = quantize(opening_sum)
    # Allocations move money between an invoice and the account credit and
    # sum to zero for the patient: they are not shown as statement lines.
    in_period = (
        entries.filter(
            posted_at__gte=begin_at, posted_at__lt=end_at, kind__in=STATEMENT_KINDS
        )
        .select_related("invoice", "payment")
        .order_by("posted_at", "id")
    )
    zone = location.tz if location is not None else timezone.get_current_timezone()
    running = opening
    lines: list[StatementLine] = []
    totals: dict[str, Decimal] = {}
    labels = dict(LedgerEntry.Kind.choices)
    for entry in in_period:
        amount = quantize(entry.amount)
        running += amount
        totals[entry.kind] = totals.get(entry.kind, ZERO) + amount
        label = labels[entry.kind]
        if entry.payment is not None:
            label = f"{label} ({entry.payment.get_method_display()})"
        lines.append(
            StatementLine(
                posted_on=timezone.localtime(entry.posted_at, zone).date(),
                kind=entry.kind,
                label=label,
                invoice_number=entry.invoice.number if entry.invoice else None,
                amount=amount,
                balance=running,
            )
        )
    return Statement(
        patient=patient,
        location=location,
        start=start,
        end=end,
        opening=opening,
        lines=lines,
        closing=running,
        aging=patient_aging(actor=actor, patient=patient, as_of=end, location=location),
        currency=location.currency if location is not None else "CAD",
        totals_by_kind=totals,
    )


def get_statement_for(
    *,
    actor: Actor,
    patient_id: uuid.UUID,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Statement:
    """One patient's statement for a period (default: the last 90 days); a
    view is audited."""
    patient = scoped_get_or_404(actor, Patient.objects.all(), pk=patient_id)
    if start is None or end is None:
        start, end = default_statement_period(clinic_today(actor))
    statement = build_statement(actor=actor, patient=patient, start=start, end=end)
    record_view(
        actor=actor,
        obj=patient,
        patient_id=patient.pk,
        detail=f"statement {start.isoformat()}..{end.isoformat()}",
    )
    return statement


# Write-offs and collections --------------------------------------------------

WORKLIST_PAGE_SIZE = 50


def list_write_offs(*, actor: Actor, status: str) -> QuerySet[WriteOff]:
    """The clinic's write-offs of one status, oldest request first."""
    return (
        WriteOff.objects.filter(clinic=actor.clinic, status=status)
        .select_related("invoice", "patient", "requested_by", "decided_by")
        .order_by("created_at", "id")
    )


def get_write_off_for_update(*, actor: Actor, write_off_id: uuid.UUID) -> WriteOff:
    return scoped_get_or_404(
        actor, WriteOff.objects.select_related("invoice"), pk=write_off_id
    )


def list_collection_steps(*, actor: Actor) -> list[CollectionStep]:
    return list(CollectionStep.objects.filter(clinic=actor.clinic))


def list_collection_tasks(
    *, actor: Actor, show_done: bool
) -> QuerySet[CollectionRecord]:
    """The worklist: staff tasks and write-off reviews from the collections
    run, open ones (or all) oldest first."""
    outcomes = [CollectionRecord.Outcome.OPEN]
    if show_done:
        outcomes.append(CollectionRecord.Outcome.DONE)
    return (
        CollectionRecord.objects.filter(clinic=actor.clinic, outcome__in=outcomes)
        .select_related("invoice", "patient", "assigned_to__user", "done_by")
        .order_by("outcome", "run_on", "id")
    )


def list_recent_collection_records(
    *, actor: Actor, limit: int = 20
) -> list[CollectionRecord]:
    """The latest emails the collections run sent (or could not send)."""
    return list(
        CollectionRecord.objects.filter(
            clinic=actor.clinic,
            outcome__in=[
                CollectionRecord.Outcome.SENT,
                CollectionRecord.Outcome.NOT_SENT,
            ],
        )
        .select_related("invoice", "patient")
        .order_by("-run_on", "-created_at")[:limit]
    )


def get_collection_task_for_update(
    *, actor: Actor, task_id: uuid.UUID
) -> CollectionRecord:
    return scoped_get_or_404(actor, CollectionRecord.objects.all(), pk=task_id)


def list_billing_members(*, actor: Actor) -> list[Membership]:
    """Active members a collections task can be given to."""
    return list(
        Membership.objects.filter(clinic=actor.clinic, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
