"""Reads for the clinic's cancellation policy and an appointment's statuses.

A GET never creates the policy row: a clinic without one reads the model's
defaults (a 24-hour window, no fees) from an unsaved instance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from practica.core.money import ZERO, format_money
from practica.scheduling.models import Appointment, SchedulingPolicy, StatusChange
from practica.scheduling.services.rules import ALLOWED_TRANSITIONS
from practica.tenancy.actor import Actor

Status = Appointment.Status

# The buttons of the appointment page, in the order a visit goes through them.
# Cancelling and no-show have their own forms (they may carry a fee).
STATUS_BUTTONS: tuple[tuple[str, str], ...] = (
    (Status.CONFIRMED, "Confirm"),
    (Status.ARRIVED, "Arrived"),
    (Status.IN_SESSION, "In session"),
    (Status.COMPLETED, "Completed"),
    (Status.BOOKED, "Back to booked"),
)
BACKWARD: dict[tuple[str, str], str] = {
    (Status.ARRIVED, Status.BOOKED): "Undo check-in",
    (Status.IN_SESSION, Status.ARRIVED): "Back to arrived",
    (Status.COMPLETED, Status.ARRIVED): "Reopen (correction)",
    (Status.CONFIRMED, Status.BOOKED): "Unconfirm",
}


def get_policy(*, actor: Actor) -> SchedulingPolicy:
    """The clinic's policy, or an unsaved one holding the defaults."""
    policy = SchedulingPolicy.objects.filter(clinic=actor.clinic).first()
    return policy if policy is not None else SchedulingPolicy(clinic=actor.clinic)


def is_late_cancellation(
    *, policy: SchedulingPolicy, start_at: dt.datetime, now: dt.datetime
) -> bool:
    """Late when less than the window is left before the visit (a visit
    already begun counts as late). A window of 0 hours means never late."""
    window = policy.cancellation_window_hours
    return window > 0 and start_at - now < dt.timedelta(hours=window)


@dataclass(frozen=True)
class CancellationTerms:
    """What cancelling now would mean, shown before the form is submitted."""

    is_late: bool
    window_hours: int
    fee: Decimal
    notice: str


def cancellation_terms(
    *,
    actor: Actor,
    appointment: Appointment,
    now: dt.datetime | None = None,
    policy: SchedulingPolicy | None = None,
) -> CancellationTerms:
    policy = policy or get_policy(actor=actor)
    moment = now or timezone.now()
    late = is_late_cancellation(
        policy=policy, start_at=appointment.start_at, now=moment
    )
    window = policy.cancellation_window_hours
    fee = policy.late_cancel_fee if late else ZERO
    currency = appointment.location.currency
    if not late:
        notice = "This is a plain cancellation: no fee applies."
    elif fee > ZERO:
        notice = (
            f"This is within {window} hours of the visit: a "
            f"{format_money(fee, currency)} late-cancellation fee will be charged."
        )
    else:
        notice = (
            f"This is within {window} hours of the visit: it is recorded as a "
            "late cancellation (the clinic charges no fee)."
        )
    return CancellationTerms(is_late=late, window_hours=window, fee=fee, notice=notice)


def no_show_notice(
    *,
    actor: Actor,
    appointment: Appointment,
    policy: SchedulingPolicy | None = None,
) -> str:
    fee = (policy or get_policy(actor=actor)).no_show_fee
    if fee <= ZERO:
        return "The clinic charges no no-show fee."
    currency = appointment.location.currency
    return f"A {format_money(fee, currency)} no-show fee will be charged."


@dataclass(frozen=True)
class StatusButton:
    status: str
    label: str


def status_buttons(appointment: Appointment) -> list[StatusButton]:
    """The plain status changes allowed from the appointment's status."""
    allowed = ALLOWED_TRANSITIONS[appointment.status]
    return [
        StatusButton(status, BACKWARD.get((appointment.status, status), label))
        for status, label in STATUS_BUTTONS
        if status in allowed
    ]


@dataclass(frozen=True)
class HistoryRow:
    """One status change as shown: labels, who (name) and when."""

    changed_at: dt.datetime
    from_label: str
    to_label: str
    changed_by: str
    reason: str


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def list_status_history(*, actor: Actor, appointment: Appointment) -> list[HistoryRow]:
    """Every status change of the appointment, oldest first, with who made it
    (one query whatever the length)."""
    changes = (
        StatusChange.objects.filter(
            clinic=actor.clinic, appointment_id=appointment.pk, attendance=None
        )
        .select_related("changed_by__user")
        .order_by("changed_at", "id")
    )
    return [
        HistoryRow(
            changed_at=change.changed_at,
            from_label=_label(change.from_status) if change.from_status else "",
            to_label=_label(change.to_status),
            changed_by=(
                change.changed_by.user.full_name or change.changed_by.user.email
                if change.changed_by is not None
                else "the system"
            ),
            reason=change.reason,
        )
        for change in changes
    ]
