"""Statuses, the cancellation policy and the fees it charges (services)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
import time_machine

from practica.audit.models import AuditEntry
from practica.billing.errors import FeeWaiverError, InvoiceNotAllowedError
from practica.billing.fees import record_missed_visit
from practica.billing.models import Invoice, LedgerEntry
from practica.billing.selectors import invoice_balance, patient_balance
from practica.billing.services import charge_policy_fee, create_invoice_for_appointment
from practica.charting.services import sign_note
from practica.charting.tests.factories import ClinicalNoteFactory
from practica.scheduling.errors import InvalidPolicyError, InvalidTransitionError
from practica.scheduling.models import Appointment, SchedulingPolicy, StatusChange
from practica.scheduling.selectors.policy import (
    cancellation_terms,
    get_policy,
    list_status_history,
)
from practica.scheduling.services.appointments import set_status
from practica.scheduling.services.policy import save_policy
from practica.scheduling.services.rules import ALLOWED_TRANSITIONS
from practica.scheduling.tests.factories import (
    MONDAY,
    SchedulingPolicyFactory,
    local,
    make_appointment,
    make_class,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.tests.factories import actor_for, make_member

Status = Appointment.Status
VISIT = local(MONDAY, 10)  # every appointment made here starts then
PAIRS = list(itertools.product(Status.values, Status.values))


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK], full_name="Dana Desk"))


@pytest.fixture
def policy(clinic: Clinic) -> SchedulingPolicy:
    policy: SchedulingPolicy = SchedulingPolicyFactory(clinic=clinic)
    return policy


def _at(moment: dt.datetime, machine: time_machine.TimeMachineFixture) -> None:
    machine.move_to(moment, tick=False)


# --- transitions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [(a, b) for a, b in PAIRS if b in ALLOWED_TRANSITIONS[a]],
)
def test_every_allowed_transition_records_who_and_when(
    desk: Actor,
    clinic: Clinic,
    start: str,
    end: str,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    appointment = make_appointment(clinic, status=start)
    _at(dt.datetime(2031, 3, 1, 15, tzinfo=dt.UTC), time_machine)

    # when
    changed = set_status(actor=desk, appointment=appointment, status=end)

    # then
    changed.refresh_from_db()
    assert changed.status == end
    assert changed.status_changed_at == dt.datetime(2031, 3, 1, 15, tzinfo=dt.UTC)
    change = StatusChange.objects.get(appointment=appointment)
    assert (change.from_status, change.to_status) == (start, end)
    assert change.changed_by == desk.membership
    assert change.changed_at == dt.datetime(2031, 3, 1, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end"),
    [(a, b) for a, b in PAIRS if b not in ALLOWED_TRANSITIONS[a]],
)
def test_every_other_transition_is_refused_and_changes_nothing(
    desk: Actor, clinic: Clinic, start: str, end: str
) -> None:
    # given
    appointment = make_appointment(clinic, status=start)

    # when
    with pytest.raises(InvalidTransitionError):
        set_status(actor=desk, appointment=appointment, status=end)

    # then
    appointment.refresh_from_db()
    assert appointment.status == start
    assert not StatusChange.objects.filter(appointment=appointment).exists()


def test_history_lists_each_change_with_the_member_name(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    appointment = make_appointment(clinic)
    set_status(actor=desk, appointment=appointment, status=Status.CONFIRMED)
    set_status(actor=desk, appointment=appointment, status=Status.ARRIVED)

    # when
    rows = list_status_history(actor=desk, appointment=appointment)

    # then
    assert [(r.from_label, r.to_label, r.changed_by) for r in rows] == [
        ("Booked", "Confirmed", "Dana Desk"),
        ("Confirmed", "Arrived", "Dana Desk"),
    ]


@pytest.mark.parametrize("status", [Status.ARRIVED, Status.IN_SESSION])
def test_signing_the_note_completes_a_visit_in_progress(
    clinic: Clinic, status: str
) -> None:
    # given
    provider = actor_for(make_member(clinic, [PROVIDER]))
    appointment = make_appointment(clinic, status=status)
    note = ClinicalNoteFactory(
        clinic=clinic,
        appointment=appointment,
        patient=appointment.patient,
        provider=appointment.provider,
    )

    # when
    sign_note(actor=provider, note=note)

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED
    change = StatusChange.objects.get(appointment=appointment)
    assert (change.from_status, change.to_status) == (status, Status.COMPLETED)


# --- the policy ---------------------------------------------------------------


def test_policy_reads_defaults_without_creating_a_row(
    desk: Actor, clinic: Clinic
) -> None:
    # when
    policy = get_policy(actor=desk)

    # then
    assert policy.pk is None
    assert (policy.cancellation_window_hours, policy.late_cancel_fee) == (
        24,
        Decimal("0.00"),
    )
    assert not SchedulingPolicy.objects.exists()


def test_save_policy_creates_then_updates_and_audits(clinic: Clinic) -> None:
    # given
    owner = actor_for(make_member(clinic, [OWNER]))

    # when
    save_policy(
        actor=owner,
        cancellation_window_hours=24,
        late_cancel_fee=Decimal("40"),
        no_show_fee=Decimal("60.5"),
    )
    saved = save_policy(
        actor=owner,
        cancellation_window_hours=48,
        late_cancel_fee=Decimal("45.00"),
        no_show_fee=Decimal("0"),
    )

    # then
    assert SchedulingPolicy.objects.count() == 1
    saved.refresh_from_db()
    assert (saved.cancellation_window_hours, saved.late_cancel_fee) == (
        48,
        Decimal("45.00"),
    )
    assert saved.no_show_fee == Decimal("0.00")
    entries = AuditEntry.objects.filter(object_id=str(saved.pk)).order_by("pk")
    assert [(e.action, e.detail) for e in entries] == [
        ("create", "24h late=40.00 no_show=60.50"),
        (
            "update",
            "48h late=45.00 no_show=0.00 (was 24h late=40.00 no_show=60.50)",
        ),
    ]


@pytest.mark.parametrize(
    ("window", "late", "no_show", "field"),
    [
        (-1, "40", "60", "cancellation_window_hours"),
        (169, "40", "60", "cancellation_window_hours"),
        (24, "-0.01", "60", "late_cancel_fee"),
        (24, "40", "60.001", "no_show_fee"),
        (24, "10000.01", "60", "late_cancel_fee"),
    ],
)
def test_save_policy_refuses_bad_values_naming_the_field(
    clinic: Clinic, window: int, late: str, no_show: str, field: str
) -> None:
    # given
    owner = actor_for(make_member(clinic, [OWNER]))

    # when
    with pytest.raises(InvalidPolicyError) as refused:
        save_policy(
            actor=owner,
            cancellation_window_hours=window,
            late_cancel_fee=Decimal(late),
            no_show_fee=Decimal(no_show),
        )

    # then
    assert refused.value.field == field
    assert not SchedulingPolicy.objects.exists()


# --- cancelling around the window edge ---------------------------------------


@pytest.mark.parametrize(
    ("before_visit", "expected", "fee"),
    [
        (dt.timedelta(hours=24), Status.CANCELLED, None),
        (dt.timedelta(hours=24, seconds=1), Status.CANCELLED, None),
        (dt.timedelta(hours=23, minutes=59, seconds=59), Status.LATE_CANCELLED, "40"),
        (dt.timedelta(minutes=5), Status.LATE_CANCELLED, "40"),
        (-dt.timedelta(minutes=5), Status.LATE_CANCELLED, "40"),
    ],
)
def test_cancel_is_late_only_inside_the_window(
    desk: Actor,
    clinic: Clinic,
    policy: SchedulingPolicy,
    before_visit: dt.timedelta,
    expected: str,
    fee: str | None,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    appointment = make_appointment(clinic)
    _at(VISIT - before_visit, time_machine)

    # when
    outcome = record_missed_visit(
        actor=desk, appointment=appointment, status=Status.CANCELLED, reason="Ill"
    )

    # then
    appointment.refresh_from_db()
    assert appointment.status == expected
    fees = Invoice.objects.filter(appointment=appointment)
    assert [f.total for f in fees] == ([Decimal(fee)] if fee else [])
    assert outcome.invoice == (fees.get() if fee else None)


def test_cancel_terms_say_the_fee_before_submitting(
    desk: Actor,
    clinic: Clinic,
    policy: SchedulingPolicy,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    appointment = make_appointment(clinic)
    _at(VISIT - dt.timedelta(hours=3), time_machine)

    # when
    terms = cancellation_terms(actor=desk, appointment=appointment)

    # then
    assert terms.is_late
    assert terms.notice == (
        "This is within 24 hours of the visit: a $40.00 late-cancellation fee "
        "will be charged."
    )


def test_window_of_zero_hours_never_makes_a_cancel_late(
    desk: Actor, clinic: Clinic, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    SchedulingPolicyFactory(clinic=clinic, cancellation_window_hours=0)
    appointment = make_appointment(clinic)
    _at(VISIT - dt.timedelta(minutes=1), time_machine)

    # when
    record_missed_visit(
        actor=desk, appointment=appointment, status=Status.CANCELLED, reason="Ill"
    )

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED


# --- fees ---------------------------------------------------------------------


def test_late_cancel_fee_is_an_issued_exempt_invoice_with_its_ledger_charge(
    desk: Actor,
    clinic: Clinic,
    policy: SchedulingPolicy,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    appointment = make_appointment(clinic)
    _at(VISIT - dt.timedelta(hours=2), time_machine)

    # when
    outcome = record_missed_visit(
        actor=desk, appointment=appointment, status=Status.CANCELLED, reason="Ill"
    )

    # then
    invoice = outcome.invoice
    assert invoice is not None
    assert (invoice.kind, invoice.status) == (
        Invoice.Kind.LATE_CANCEL_FEE,
        Invoice.Status.ISSUED,
    )
    assert invoice.appointment_id == appointment.pk
    assert invoice.patient_id == appointment.patient_id
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("40.00"),
        Decimal("0.00"),
        Decimal("40.00"),
    )
    assert [
        (line.description, line.line_total, line.tax_name)
        for line in invoice.lines.all()
    ] == [("Late cancellation fee", Decimal("40.00"), "")]
    ledger = LedgerEntry.objects.filter(invoice=invoice)
    assert [(e.kind, e.amount) for e in ledger] == [("charge", Decimal("40.00"))]
    assert invoice_balance(actor=desk, invoice=invoice) == Decimal("40.00")
    assert patient_balance(actor=desk, patient=appointment.patient) == Decimal("40.00")
    change = StatusChange.objects.get(appointment=appointment)
    assert (change.to_status, change.reason) == (Status.LATE_CANCELLED, "Ill")


def test_no_show_charges_the_no_show_fee(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic, status=Status.CONFIRMED)

    # when
    outcome = record_missed_visit(
        actor=desk, appointment=appointment, status=Status.NO_SHOW
    )

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW
    assert outcome.invoice is not None
    assert (outcome.invoice.kind, outcome.invoice.total) == (
        Invoice.Kind.NO_SHOW_FEE,
        Decimal("60.00"),
    )
    assert outcome.invoice.lines.get().description == "No-show fee"


def test_fee_is_charged_once_per_appointment_and_kind(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic)
    first = record_missed_visit(
        actor=desk, appointment=appointment, status=Status.NO_SHOW
    ).invoice
    numbers_before = list(Invoice.objects.values_list("number", flat=True))

    # when
    again = charge_policy_fee(
        actor=desk,
        appointment=appointment,
        kind=Invoice.Kind.NO_SHOW_FEE,
        amount=Decimal("60.00"),
    )

    # then
    assert again == first
    assert list(Invoice.objects.values_list("number", flat=True)) == numbers_before
    assert LedgerEntry.objects.filter(kind="charge").count() == 1


def test_marking_no_show_twice_is_refused_and_charges_nothing_more(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic)
    record_missed_visit(actor=desk, appointment=appointment, status=Status.NO_SHOW)

    # when
    with pytest.raises(InvalidTransitionError):
        record_missed_visit(actor=desk, appointment=appointment, status=Status.NO_SHOW)

    # then
    assert Invoice.objects.count() == 1


def test_waived_fee_charges_nothing_and_is_recorded(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    outcome = record_missed_visit(
        actor=desk,
        appointment=appointment,
        status=Status.NO_SHOW,
        waive=True,
        waive_reason="First time, storm",
    )

    # then
    assert outcome.is_waived
    assert outcome.invoice is None
    assert not Invoice.objects.exists()
    assert not LedgerEntry.objects.exists()
    change = StatusChange.objects.get(appointment=appointment)
    assert change.reason == "fee waived: First time, storm"
    waiver = AuditEntry.objects.get(action="waive_fee")
    assert (waiver.object_id, waiver.patient_id, waiver.detail) == (
        str(appointment.pk),
        appointment.patient_id,
        "no_show_fee 60.00 waived",
    )


def test_waived_late_cancel_keeps_the_cancel_reason_apart(
    desk: Actor,
    clinic: Clinic,
    policy: SchedulingPolicy,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    appointment = make_appointment(clinic)
    _at(VISIT - dt.timedelta(hours=1), time_machine)

    # when
    record_missed_visit(
        actor=desk,
        appointment=appointment,
        status=Status.CANCELLED,
        reason="Child sick",
        waive=True,
        waive_reason="Regular patient",
    )

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.LATE_CANCELLED
    assert appointment.cancel_reason == "Child sick"
    change = StatusChange.objects.get(appointment=appointment)
    assert change.reason == "Child sick; fee waived: Regular patient"
    assert not Invoice.objects.exists()


def test_waiving_needs_a_reason_and_changes_nothing(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic)

    # when
    with pytest.raises(FeeWaiverError):
        record_missed_visit(
            actor=desk,
            appointment=appointment,
            status=Status.NO_SHOW,
            waive=True,
            waive_reason="  ",
        )

    # then
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_fee_of_zero_charges_nothing(desk: Actor, clinic: Clinic) -> None:
    # given
    SchedulingPolicyFactory(clinic=clinic, no_show_fee=Decimal("0.00"))
    appointment = make_appointment(clinic)

    # when
    outcome = record_missed_visit(
        actor=desk, appointment=appointment, status=Status.NO_SHOW
    )

    # then
    assert (outcome.fee, outcome.invoice, outcome.is_waived) == (
        Decimal("0.00"),
        None,
        False,
    )
    assert not Invoice.objects.exists()
    assert not AuditEntry.objects.filter(action="waive_fee").exists()


def test_fee_needs_the_status_it_is_for(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given a no-show
    appointment = make_appointment(clinic)
    record_missed_visit(
        actor=desk,
        appointment=appointment,
        status=Status.NO_SHOW,
        waive=True,
        waive_reason="Known",
    )

    # when a late-cancellation fee is charged for it
    with pytest.raises(InvoiceNotAllowedError):
        charge_policy_fee(
            actor=desk,
            appointment=appointment,
            kind=Invoice.Kind.LATE_CANCEL_FEE,
            amount=Decimal("40.00"),
        )

    # then
    assert not Invoice.objects.exists()


def test_status_rolls_back_when_the_fee_is_refused(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given a class: it has no patient of its own to charge
    group = make_class(clinic)

    # when
    with pytest.raises(InvoiceNotAllowedError):
        record_missed_visit(actor=desk, appointment=group, status=Status.NO_SHOW)

    # then the status change went with the refused fee
    group.refresh_from_db()
    assert group.status == Status.BOOKED
    assert not StatusChange.objects.filter(appointment=group).exists()


def test_service_invoice_still_refused_while_the_fee_invoice_exists(
    desk: Actor, clinic: Clinic, policy: SchedulingPolicy
) -> None:
    # given
    appointment = make_appointment(clinic)
    record_missed_visit(actor=desk, appointment=appointment, status=Status.NO_SHOW)

    # when
    with pytest.raises(InvoiceNotAllowedError):
        create_invoice_for_appointment(actor=desk, appointment=appointment)

    # then
    assert list(Invoice.objects.values_list("kind", flat=True)) == ["no_show_fee"]
