import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from practica.billing.errors import BillingError
from practica.billing.models import CollectionRecord, CollectionStep, WriteOff
from practica.billing.selectors import invoice_balance
from practica.billing.selectors_ar import build_statement, clinic_today
from practica.billing.services_receivables import (
    CollectionStepError,
    StepSpec,
    WriteOffError,
    reject_write_off,
    request_write_off,
    run_collections,
    save_collection_steps,
    set_collection_task_done,
)
from practica.billing.tests.factories import make_invoice, make_payment
from practica.billing.tests.factories_receivables import (
    make_collection_task,
    make_dated_invoice,
    make_steps,
    make_write_off,
)
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING, OWNER
from practica.tenancy.tests.factories import actor_for, make_member, system_actor_for

# Statements --------------------------------------------------------------


def test_statement_opening_plus_lines_is_the_closing_balance(clinic: Clinic) -> None:
    # given an invoice posted before the period, and an invoice and payment in it
    actor = system_actor_for(clinic)
    patient = PatientFactory(clinic=clinic)
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        make_invoice(clinic, patient=patient, price=Decimal("60.00"))
    second = make_invoice(clinic, patient=patient, price=Decimal("100.00"))
    make_payment(clinic, invoice=second, amount=Decimal("30.00"))
    today = clinic_today(actor)
    # when the statement covers the last ten days
    statement = build_statement(
        actor=actor, patient=patient, start=today - dt.timedelta(days=9), end=today
    )
    # then
    assert statement.opening == Decimal("60.00")
    assert [(line.kind, line.amount) for line in statement.lines] == [
        ("charge", Decimal("100.00")),
        ("payment", Decimal("-30.00")),
    ]
    assert [line.balance for line in statement.lines] == [
        Decimal("160.00"),
        Decimal("130.00"),
    ]
    assert statement.closing == Decimal("130.00")
    assert statement.charges == Decimal("100.00")
    assert statement.payments == Decimal("30.00")
    assert statement.aging.open_total == Decimal("130.00")


def test_statement_of_a_quiet_period_carries_the_balance(clinic: Clinic) -> None:
    actor = system_actor_for(clinic)
    patient = PatientFactory(clinic=clinic)
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        make_invoice(clinic, patient=patient, price=Decimal("45.50"))
    today = clinic_today(actor)
    statement = build_statement(
        actor=actor, patient=patient, start=today - dt.timedelta(days=9), end=today
    )
    assert statement.lines == []
    assert statement.opening == statement.closing == Decimal("45.50")


# Collections -------------------------------------------------------------


def _owner(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [OWNER]))


def test_steps_are_saved_in_order(clinic: Clinic) -> None:
    steps = save_collection_steps(
        actor=_owner(clinic),
        steps=[StepSpec(10, "reminder_email"), StepSpec(40, "staff_task")],
    )
    assert [(s.position, s.days_overdue, s.action) for s in steps] == [
        (0, 10, "reminder_email"),
        (1, 40, "staff_task"),
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [StepSpec(30, "reminder_email"), StepSpec(30, "staff_task")],
            "Step 2: days overdue must be more than the step before's (30).",
        ),
        (
            [StepSpec(30, "reminder_email"), StepSpec(10, "staff_task")],
            "Step 2: days overdue must be more than the step before's (30).",
        ),
        (
            [StepSpec(0, "reminder_email")],
            "Step 1: days overdue must be between 1 and 3650.",
        ),
        ([StepSpec(10, "phone_call")], "Step 1: choose an action."),
        ([StepSpec(n, "staff_task") for n in range(1, 10)], "At most 8 steps."),
    ],
)
def test_invalid_steps_are_refused_and_nothing_changes(
    clinic: Clinic, steps: list[StepSpec], message: str
) -> None:
    make_steps(clinic)
    with pytest.raises(CollectionStepError) as raised:
        save_collection_steps(actor=_owner(clinic), steps=steps)
    assert raised.value.message == message
    assert CollectionStep.objects.filter(clinic=clinic).count() == 4


def test_steps_need_clinic_manage(clinic: Clinic) -> None:
    clerk = actor_for(make_member(clinic, [BILLING]))
    with pytest.raises(CollectionStepError):
        save_collection_steps(actor=clerk, steps=[StepSpec(5, "staff_task")])
    assert not CollectionStep.objects.filter(clinic=clinic).exists()


def test_collections_run_takes_each_invoices_due_step_once(clinic: Clinic) -> None:
    # given the recommended steps and invoices 10, 20, 80 and 130 days old
    make_steps(clinic)
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    invoices = {
        days: make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=days))
        for days in (10, 20, 80, 130)
    }
    # when the run happens twice
    first = run_collections(actor=actor, today=today)
    second = run_collections(actor=actor, today=today)
    # then the first took one step per overdue invoice, the second nothing
    assert (first.invoices_checked, first.tasks_created, first.already_done) == (
        3,
        2,
        0,
    )
    assert first.emails_sent + first.emails_not_sent == 1
    assert (second.invoices_checked, second.tasks_created, second.already_done) == (
        3,
        0,
        3,
    )
    assert second.emails_sent + second.emails_not_sent == 0
    records = CollectionRecord.objects.filter(clinic=clinic)
    assert sorted((r.invoice_id, r.action) for r in records) == sorted(
        [
            (invoices[20].pk, "reminder_email"),
            (invoices[80].pk, "staff_task"),
            (invoices[130].pk, "write_off_review"),
        ]
    )


def test_collections_run_skips_paid_invoices(clinic: Clinic) -> None:
    make_steps(clinic)
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    invoice = make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=80))
    make_payment(clinic, invoice=invoice, amount=Decimal("100.00"))
    run = run_collections(actor=actor, today=today)
    assert run.invoices_checked == 0
    assert not CollectionRecord.objects.filter(clinic=clinic).exists()


def test_collections_email_without_a_sender_is_recorded_not_sent(
    clinic: Clinic,
) -> None:
    # given only a reminder step (the documents service is not merged here)
    make_steps(clinic, (StepSpec(15, "reminder_email"),))
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=16))
    # when
    run_collections(actor=actor, today=today)
    # then the record says whether it went
    record = CollectionRecord.objects.get(clinic=clinic)
    assert record.action == "reminder_email"
    assert record.outcome in {"sent", "not_sent"}


def test_a_task_is_marked_done_and_reopened(clinic: Clinic) -> None:
    task = make_collection_task(clinic)
    clerk = actor_for(make_member(clinic, [BILLING]))
    done = set_collection_task_done(actor=clerk, record=task, is_done=True)
    assert (done.outcome, done.done_by_id) == ("done", clerk.user.pk)
    reopened = set_collection_task_done(actor=clerk, record=task, is_done=False)
    assert (reopened.outcome, reopened.done_at) == ("open", None)


# Write-offs --------------------------------------------------------------


def test_write_off_request_is_pending_and_moves_no_money(clinic: Clinic) -> None:
    clerk = actor_for(make_member(clinic, [BILLING]))
    invoice = make_invoice(clinic)
    write_off = request_write_off(
        actor=clerk, invoice=invoice, amount="40.00", reason="Hardship"
    )
    assert (write_off.status, write_off.amount) == ("pending", Decimal("40.00"))
    assert write_off.requested_by_id == clerk.user.pk
    assert invoice_balance(actor=clerk, invoice=invoice) == Decimal("100.00")


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        ("100.01", "Hardship", "amount"),
        ("0", "Hardship", "amount"),
        ("10.001", "Hardship", "amount"),
        ("ten", "Hardship", "amount"),
        ("10.00", "   ", "reason"),
    ],
)
def test_bad_write_off_requests_are_refused(
    clinic: Clinic, amount: str, reason: str, field: str
) -> None:
    invoice = make_invoice(clinic)
    with pytest.raises(WriteOffError) as raised:
        request_write_off(
            actor=system_actor_for(clinic),
            invoice=invoice,
            amount=amount,
            reason=reason,
        )
    assert raised.value.field == field
    assert not WriteOff.objects.filter(clinic=clinic).exists()


def test_a_paid_invoice_cannot_be_written_off(clinic: Clinic) -> None:
    invoice = make_invoice(clinic)
    make_payment(clinic, invoice=invoice, amount=Decimal("100.00"))
    with pytest.raises(WriteOffError):
        request_write_off(
            actor=system_actor_for(clinic), invoice=invoice, amount="1", reason="x"
        )


def test_the_requester_cannot_decide_their_own_write_off(clinic: Clinic) -> None:
    owner = _owner(clinic)
    write_off = request_write_off(
        actor=owner, invoice=make_invoice(clinic), amount="10", reason="Hardship"
    )
    with pytest.raises(WriteOffError) as raised:
        reject_write_off(actor=owner, write_off=write_off, note="no")
    assert "Someone other than" in raised.value.message
    write_off.refresh_from_db()
    assert write_off.status == "pending"


def test_a_billing_clerk_cannot_decide_a_write_off(clinic: Clinic) -> None:
    write_off = make_write_off(clinic)
    clerk = actor_for(make_member(clinic, [BILLING]))
    with pytest.raises(WriteOffError):
        reject_write_off(actor=clerk, write_off=write_off, note="no")


def test_rejecting_changes_no_money(clinic: Clinic) -> None:
    write_off = make_write_off(clinic)
    owner = _owner(clinic)
    rejected = reject_write_off(actor=owner, write_off=write_off, note="Can pay")
    assert (rejected.status, rejected.decision_note) == ("rejected", "Can pay")
    assert rejected.decided_by_id == owner.user.pk
    assert invoice_balance(actor=owner, invoice=write_off.invoice) == Decimal("100.00")
    with pytest.raises(WriteOffError):
        reject_write_off(actor=owner, write_off=write_off, note="again")


def test_approval_posts_a_write_off_entry(clinic: Clinic) -> None:
    pytest.importorskip("practica.billing.services.ledger")
    from practica.billing.services_receivables import approve_write_off

    write_off = make_write_off(clinic, amount=Decimal("100.00"))
    owner = _owner(clinic)
    approved = approve_write_off(actor=owner, write_off=write_off)
    invoice = write_off.invoice
    invoice.refresh_from_db()
    assert approved.status == "approved"
    assert invoice_balance(actor=owner, invoice=invoice) == Decimal("0.00")
    assert invoice.status == "paid"


def test_approval_rechecks_the_balance(clinic: Clinic) -> None:
    pytest.importorskip("practica.billing.services.ledger")
    from practica.billing.services_receivables import approve_write_off

    write_off = make_write_off(clinic, amount=Decimal("80.00"))
    make_payment(clinic, invoice=write_off.invoice, amount=Decimal("50.00"))
    with pytest.raises(WriteOffError) as raised:
        approve_write_off(actor=_owner(clinic), write_off=write_off)
    assert raised.value.field == "amount"
    write_off.refresh_from_db()
    assert write_off.status == "pending"


def test_errors_are_billing_errors() -> None:
    assert issubclass(WriteOffError, BillingError)
