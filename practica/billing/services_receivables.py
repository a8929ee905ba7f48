"""Receivables use cases: write-offs with approval, collection steps and the
daily collections run, the collections worklist, emailing a statement.

Each writes inside one transaction with its audit record. Money moves only
through the ledger (`services.ledger.post_entry`), on a write-off's approval.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.locks import lock_invoice
from practica.billing.models import (
    BillingEmail,
    CollectionRecord,
    CollectionStep,
    Invoice,
    LedgerEntry,
    WriteOff,
)
from practica.billing.pdf_statement import statement_filename, statement_pdf
from practica.billing.selectors import _with_balance, invoice_balance
from practica.billing.selectors_ar import build_statement, default_statement_period
from practica.billing.services.documents import (
    DocumentEmailError,
    failure_message,
    send_billing_document,
)
from practica.billing.services.ledger import post_entry, refresh_status
from practica.core.money import ZERO, has_valid_places, quantize
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Membership
from practica.tenancy.permissions import BILLING_EDIT, CLINIC_MANAGE

logger = logging.getLogger(__name__)

REASON_MAX = 200
MAX_STEPS = 8
MAX_DAYS = 3650


class WriteOffError(BillingError):
    """A write-off request or decision was refused."""


class CollectionStepError(BillingError):
    """The collection steps are not valid; nothing was saved."""

    field = "steps"


class CollectionTaskError(BillingError):
    """A worklist task cannot be changed that way."""


def _check_clinic(actor: Actor, clinic_id: int) -> None:
    if clinic_id != actor.clinic.pk:
        raise BillingError("This record belongs to another clinic.")


def _clean_reason(reason: str, field: str = "reason") -> str:
    text = reason.strip()
    if not text:
        raise WriteOffError("Give a reason.", field=field)
    if len(text) > REASON_MAX:
        raise WriteOffError(
            f"The reason can have at most {REASON_MAX} characters.", field=field
        )
    return text


def _clean_amount(amount: Decimal | str, currency: str) -> Decimal:
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise WriteOffError("Enter an amount such as 40.00.", field="amount") from None
    if not value.is_finite():
        raise WriteOffError("Enter an amount such as 40.00.", field="amount")
    if value <= ZERO:
        raise WriteOffError("The amount must be more than 0.", field="amount")
    if not has_valid_places(value, currency):
        raise WriteOffError(
            "The amount can have at most 2 decimal places.", field="amount"
        )
    return quantize(value, currency)


# Write-offs ------------------------------------------------------------------


def request_write_off(
    *, actor: Actor, invoice: Invoice, amount: Decimal | str, reason: str
) -> WriteOff:
    """Ask to stop collecting part of an open invoice's balance. Nothing moves
    until someone else approves it."""
    _check_clinic(actor, invoice.clinic_id)
    if not actor.can(BILLING_EDIT):
        raise WriteOffError("Only billing staff can ask for a write-off.")
    value = _clean_amount(amount, invoice.currency)
    text = _clean_reason(reason)
    with transaction.atomic():
        locked = lock_invoice(invoice)
        if locked.status not in Invoice.OPEN_STATUSES:
            raise WriteOffError("Only an open invoice can be written off.")
        balance = invoice_balance(actor=actor, invoice=locked)
        if value > balance:
            raise WriteOffError(
                f"The amount is more than the balance of {balance}.", field="amount"
            )
        write_off = WriteOff.objects.create(
            clinic=actor.clinic,
            invoice=locked,
            patient_id=locked.patient_id,
            amount=value,
            reason=text,
            requested_by=actor.user,
        )
        record_change(
            actor=actor,
            action="create",
            obj=write_off,
            patient_id=locked.patient_id,
            detail=f"write-off requested invoice={locked.pk} amount={value}",
        )
    logger.info(
        "billing.write_off_requested", extra={"write_off_id": str(write_off.pk)}
    )
    return write_off


def _lock_pending(actor: Actor, write_off: WriteOff) -> WriteOff:
    if not actor.can(CLINIC_MANAGE):
        raise WriteOffError("Only an owner or administrator can decide a write-off.")
    approver_id = actor.user.pk if actor.user is not None else None
    if approver_id == write_off.requested_by_id:
        raise WriteOffError(
            "Someone other than the person who asked must decide this write-off."
        )
    locked = WriteOff.objects.select_for_update().get(
        clinic=actor.clinic, pk=write_off.pk
    )
    if locked.status != WriteOff.Status.PENDING:
        raise WriteOffError("This write-off has already been decided.")
    return locked


def approve_write_off(*, actor: Actor, write_off: WriteOff, note: str = "") -> WriteOff:
    """Approve a pending write-off: a WRITE_OFF ledger entry lowers the
    invoice's balance. The balance is re-checked under the invoice's lock."""
    _check_clinic(actor, write_off.clinic_id)
    text = note.strip()[:REASON_MAX]
    with transaction.atomic():
        invoice = lock_invoice(write_off.invoice)
        locked = _lock_pending(actor, write_off)
        if invoice.status not in Invoice.OPEN_STATUSES:
            raise WriteOffError("The invoice is no longer open; reject this one.")
        balance = invoice_balance(actor=actor, invoice=invoice)
        if locked.amount > balance:
            raise WriteOffError(
                f"The invoice's balance is now {balance}, less than this write-off;"
                " reject it and ask again.",
                field="amount",
            )
        post_entry(
            actor=actor,
            patient_id=invoice.patient_id,
            kind=LedgerEntry.Kind.WRITE_OFF,
            amount=-locked.amount,
            invoice=invoice,
            write_off=locked,
            memo=f"Write-off on invoice {invoice.number}",
        )
        refresh_status(actor=actor, invoice=invoice)
        locked.status = WriteOff.Status.APPROVED
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        locked.decision_note = text
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="approve",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"write-off approved amount={locked.amount}",
        )
    logger.info("billing.write_off_approved", extra={"write_off_id": str(locked.pk)})
    return locked


def reject_write_off(*, actor: Actor, write_off: WriteOff, note: str) -> WriteOff:
    """Reject a pending write-off; no money moves."""
    _check_clinic(actor, write_off.clinic_id)
    text = _clean_reason(note, field="note")
    with transaction.atomic():
        locked = _lock_pending(actor, write_off)
        locked.status = WriteOff.Status.REJECTED
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        locked.decision_note = text
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="reject",
            obj=locked,
            patient_id=locked.patient_id,
            detail="write-off rejected",
        )
    logger.info("billing.write_off_rejected", extra={"write_off_id": str(locked.pk)})
    return locked


# Collection steps --------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    days_overdue: int
    action: str


RECOMMENDED_STEPS = (
    StepSpec(15, CollectionStep.Action.REMINDER_EMAIL),
    StepSpec(45, CollectionStep.Action.SECOND_NOTICE_EMAIL),
    StepSpec(75, CollectionStep.Action.STAFF_TASK),
    StepSpec(120, CollectionStep.Action.WRITE_OFF_REVIEW),
)


def _validate_steps(steps: Sequence[StepSpec]) -> None:
    if len(steps) > MAX_STEPS:
        raise CollectionStepError(f"At most {MAX_STEPS} steps.")
    previous = 0
    for number, step in enumerate(steps, start=1):
        if step.action not in CollectionStep.Action.values:
            raise CollectionStepError(f"Step {number}: choose an action.")
        if not 1 <= step.days_overdue <= MAX_DAYS:
            raise CollectionStepError(
                f"Step {number}: days overdue must be between 1 and {MAX_DAYS}."
            )
        if step.days_overdue <= previous:
            raise CollectionStepError(
                f"Step {number}: days overdue must be more than the step before's"
                f" ({previous})."
            )
        previous = step.days_overdue


def save_collection_steps(
    *, actor: Actor, steps: Sequence[StepSpec]
) -> list[CollectionStep]:
    """Replace the clinic's steps. A step kept unchanged (same days and
    action) keeps its records, so the next run does not repeat it; a removed
    step's records stay as history."""
    if not actor.can(CLINIC_MANAGE):
        raise CollectionStepError("Only an owner or administrator can change steps.")
    _validate_steps(steps)
    wanted = {(s.days_overdue, s.action): position for position, s in enumerate(steps)}
    with transaction.atomic():
        existing = list(
            CollectionStep.objects.select_for_update().filter(clinic=actor.clinic)
        )
        kept: list[CollectionStep] = []
        for step in existing:
            key = (step.days_overdue, step.action)
            if key in wanted:
                step.position = wanted.pop(key)
                step.save(update_fields=["position", "updated_at"])
                kept.append(step)
            else:
                step.delete()
        created = CollectionStep.objects.bulk_create(
            CollectionStep(
                clinic=actor.clinic,
                position=position,
                days_overdue=days,
                action=action,
            )
            for (days, action), position in wanted.items()
        )
        record_change(
            actor=actor,
            action="update",
            obj=actor.clinic,
            patient_id=None,
            detail="collection steps: "
            + ", ".join(f"{s.days_overdue}d {s.action}" for s in steps),
        )
    return sorted([*kept, *created], key=lambda s: s.position)


def use_recommended_steps(*, actor: Actor) -> list[CollectionStep]:
    return save_collection_steps(actor=actor, steps=RECOMMENDED_STEPS)


# The collections run -------------------------------------------------------


@dataclass(frozen=True)
class CollectionRun:
    """What one run did."""

    run_on: dt.date
    invoices_checked: int
    emails_sent: int
    emails_not_sent: int
    tasks_created: int
    already_done: int


def _days_overdue(invoice: Invoice, today: dt.date) -> int:
    reference = invoice.due_on or invoice.issued_on
    return (today - reference).days if reference is not None else 0


def send_document(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    document_id: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None,
) -> None:
    """Email a billing document through the documents service; a send the
    mail server refused is raised as a DocumentEmailError with its message."""
    email = send_billing_document(
        actor=actor,
        patient=patient,
        kind=kind,
        document_id=document_id,
        subject=subject,
        body=body,
        attachment=attachment,
    )
    if email.status == BillingEmail.Status.FAILED:
        raise DocumentEmailError(failure_message(email))


def _statement_attachment(
    actor: Actor, patient: Patient, start: dt.date, end: dt.date
) -> tuple[str, bytes]:
    statement = build_statement(actor=actor, patient=patient, start=start, end=end)
    content = statement_pdf(clinic=actor.clinic, statement=statement)
    return (statement_filename(statement), content)


def email_statement(
    *, actor: Actor, patient: Patient, start: dt.date, end: dt.date
) -> None:
    """Email the patient a statement for the period, with its PDF."""
    _check_clinic(actor, patient.clinic_id)
    if not actor.can(BILLING_EDIT):
        raise DocumentEmailError("Only billing staff can email a statement.")
    attachment = _statement_attachment(actor, patient, start, end)
    send_document(
        actor=actor,
        patient=patient,
        kind="statement",
        document_id=str(patient.pk),
        subject=f"Your statement from {actor.clinic.name}",
        body="Your account statement is attached.",
        attachment=attachment,
    )
    logger.info("billing.statement_emailed", extra={"patient_id": str(patient.pk)})


def _email_for_step(
    actor: Actor, step: CollectionStep, invoice: Invoice, today: dt.date
) -> tuple[str, str]:
    """Send a step's email; returns (outcome, note)."""
    if step.action == CollectionStep.Action.REMINDER_EMAIL:
        kind = "reminder"
        subject = f"Reminder: invoice {invoice.number} from {actor.clinic.name}"
        body = f"Invoice {invoice.number} has a balance outstanding."
        attachment = None
    else:
        kind = "statement"
        subject = f"Second notice from {actor.clinic.name}"
        body = "Your account has an overdue balance; your statement is attached."
        start, end = default_statement_period(today)
        attachment = _statement_attachment(actor, invoice.patient, start, end)
    try:
        send_document(
            actor=actor,
            patient=invoice.patient,
            kind=kind,
            document_id=str(invoice.pk),
            subject=subject,
            body=body,
            attachment=attachment,
        )
    except BillingError as error:
        return CollectionRecord.Outcome.NOT_SENT, error.message[:200]
    return CollectionRecord.Outcome.SENT, ""


def run_collections(*, actor: Actor, today: dt.date) -> CollectionRun:
    """Take the due collection step of each overdue open invoice, once.

    For each invoice the step taken is the last one its days overdue reach; a
    step already recorded for the invoice is not taken again, so running twice
    on a day (or daily) repeats nothing. Earlier steps an invoice skipped past
    (e.g. steps added later) are not sent after a later one. A daily schedule
    calls this through the `run_collections` command until the task queue
    exists.
    """
    steps = list(CollectionStep.objects.filter(clinic=actor.clinic))
    counts = {"sent": 0, "not_sent": 0, "tasks": 0, "done": 0}
    if not steps:
        return CollectionRun(today, 0, 0, 0, 0, 0)
    first = min(s.days_overdue for s in steps)
    invoices = [
        invoice
        for invoice in _with_balance(
            Invoice.objects.filter(
                clinic=actor.clinic,
                status__in=Invoice.OPEN_STATUSES,
                issued_on__isnull=False,
            ).select_related("patient")
        ).order_by("issued_on", "number")
        if invoice.balance > ZERO  # type: ignore[attr-defined]  # annotated
        and _days_overdue(invoice, today) >= first
    ]
    done = set(
        CollectionRecord.objects.filter(
            clinic=actor.clinic, invoice__in=[i.pk for i in invoices]
        ).values_list("step_id", "invoice_id")
    )
    for invoice in invoices:
        overdue = _days_overdue(invoice, today)
        step = max(
            (s for s in steps if s.days_overdue <= overdue),
            key=lambda s: s.days_overdue,
        )
        if (step.pk, invoice.pk) in done:
            counts["done"] += 1
            continue
        counts[_take_step(actor, step, invoice, overdue, today)] += 1
    run = CollectionRun(
        run_on=today,
        invoices_checked=len(invoices),
        emails_sent=counts["sent"],
        emails_not_sent=counts["not_sent"],
        tasks_created=counts["tasks"],
        already_done=counts["done"],
    )
    logger.info(
        "billing.collections_run",
        extra={"clinic_id": actor.clinic.pk, "checked": run.invoices_checked},
    )
    return run


def _take_step(
    actor: Actor, step: CollectionStep, invoice: Invoice, overdue: int, today: dt.date
) -> str:
    """Record and carry out one step for one invoice; returns the counter."""
    with transaction.atomic():
        if CollectionRecord.objects.filter(step=step, invoice=invoice).exists():
            return "done"
        if step.action in CollectionStep.EMAIL_ACTIONS:
            outcome, note = _email_for_step(actor, step, invoice, today)
            counter = "sent" if outcome == CollectionRecord.Outcome.SENT else "not_sent"
        else:
            outcome, note, counter = CollectionRecord.Outcome.OPEN, "", "tasks"
        record = CollectionRecord.objects.create(
            clinic=actor.clinic,
            step=step,
            invoice=invoice,
            patient_id=invoice.patient_id,
            action=step.action,
            days_overdue=min(overdue, 32767),
            run_on=today,
            outcome=outcome,
            note=note,
        )
        record_change(
            actor=actor,
            action="create",
            obj=record,
            patient_id=invoice.patient_id,
            detail=f"collections {step.action} invoice={invoice.pk}",
        )
    return counter


# The collections worklist ----------------------------------------------------


def _lock_task(actor: Actor, record: CollectionRecord) -> CollectionRecord:
    _check_clinic(actor, record.clinic_id)
    if not actor.can(BILLING_EDIT):
        raise CollectionTaskError("Only billing staff can change collection tasks.")
    locked = CollectionRecord.objects.select_for_update().get(
        clinic=actor.clinic, pk=record.pk
    )
    if not locked.is_task:
        raise CollectionTaskError("An email step is not a task.")
    return locked


def assign_collection_task(
    *, actor: Actor, record: CollectionRecord, assignee: Membership | None
) -> CollectionRecord:
    if assignee is not None and assignee.clinic_id != actor.clinic.pk:
        raise CollectionTaskError("Choose a member of this clinic.", field="assignee")
    with transaction.atomic():
        locked = _lock_task(actor, record)
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"assigned to {assignee.pk if assignee else 'nobody'}",
        )
    return locked


def set_collection_task_done(
    *, actor: Actor, record: CollectionRecord, is_done: bool
) -> CollectionRecord:
    with transaction.atomic():
        locked = _lock_task(actor, record)
        locked.outcome = (
            CollectionRecord.Outcome.DONE if is_done else CollectionRecord.Outcome.OPEN
        )
        locked.done_at = timezone.now() if is_done else None
        locked.done_by = actor.user if is_done else None
        locked.save(update_fields=["outcome", "done_at", "done_by", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=locked,
            patient_id=locked.patient_id,
            detail="done" if is_done else "reopened",
        )
    return locked
