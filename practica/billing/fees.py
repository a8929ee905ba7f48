"""Missed visits and their fees: a late cancellation or a no-show changes the
appointment's status and, under the clinic's policy, charges a fee.

Why this lives in billing: the status change (scheduling) and the fee
(billing) must happen in ONE transaction, so that no appointment is
late-cancelled without its fee and no fee exists without its status. The
dependency between the apps points one way, billing -> scheduling (billing
already reads appointments), so scheduling's services cannot call billing.
This orchestrating service therefore sits on the billing side: it opens the
transaction, calls `scheduling.services.appointments.cancel_appointment` /
`set_status` (their own atomic blocks become savepoints), then
`billing.services.charge_policy_fee`. The scheduling pages (HTTP glue) call
it; code that needs a status change without a fee keeps calling the
scheduling services directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import FeeWaiverError
from practica.billing.models import Invoice
from practica.billing.services import charge_policy_fee
from practica.core.money import ZERO
from practica.scheduling.errors import InvalidTransitionError
from practica.scheduling.models import Appointment
from practica.scheduling.selectors.policy import get_policy, is_late_cancellation
from practica.scheduling.services.appointments import cancel_appointment, set_status
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

Status = Appointment.Status
WAIVE_REASON_MAX = 150


@dataclass(frozen=True)
class MissedVisit:
    """The outcome: the changed appointment, the fee the policy set for it
    (0 when none applies), the fee invoice (None when nothing was charged)."""

    appointment: Appointment
    fee: Decimal
    invoice: Invoice | None
    is_waived: bool


def record_missed_visit(
    *,
    actor: Actor,
    appointment: Appointment,
    status: str,
    reason: str = "",
    waive: bool = False,
    waive_reason: str = "",
) -> MissedVisit:
    """Cancel (`status="cancelled"`: late if inside the clinic's window) or
    mark a no-show (`status="no_show"`), and charge the policy's fee unless
    it is waived. A waiver needs a reason: it goes into the status history,
    and the audit trail records that the fee was waived."""
    waive_reason = waive_reason.strip()
    if waive and not waive_reason:
        raise FeeWaiverError("Say why the fee is waived.")
    if len(waive_reason) > WAIVE_REASON_MAX:
        raise FeeWaiverError(
            f"Keep the reason for waiving under {WAIVE_REASON_MAX} characters."
        )
    note = f"fee waived: {waive_reason}" if waive else ""
    with transaction.atomic():
        policy = get_policy(actor=actor)
        if status == Status.CANCELLED:
            late = is_late_cancellation(
                policy=policy, start_at=appointment.start_at, now=timezone.now()
            )
            kind = Invoice.Kind.LATE_CANCEL_FEE
            fee = policy.late_cancel_fee if late else ZERO
            changed = cancel_appointment(
                actor=actor,
                appointment=appointment,
                reason=reason,
                late=late,
                note=note if fee > ZERO else "",
            )
        elif status == Status.NO_SHOW:
            kind = Invoice.Kind.NO_SHOW_FEE
            fee = policy.no_show_fee
            changed = set_status(
                actor=actor,
                appointment=appointment,
                status=Status.NO_SHOW,
                reason=note if fee > ZERO else "",
            )
        else:
            raise InvalidTransitionError("Only a cancellation or a no-show has a fee.")
        is_waived = waive and fee > ZERO
        invoice = None
        if is_waived:
            record_change(
                actor=actor,
                action="waive_fee",
                obj=changed,
                patient_id=changed.patient_id,
                detail=f"{kind} {fee} waived",
            )
        elif fee > ZERO:
            invoice = charge_policy_fee(
                actor=actor, appointment=changed, kind=kind, amount=fee
            )
    logger.info(
        "billing.missed_visit",
        extra={"appointment_id": str(changed.pk), "waived": is_waived},
    )
    return MissedVisit(
        appointment=changed, fee=fee, invoice=invoice, is_waived=is_waived
    )
