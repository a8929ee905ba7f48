"""The clinic's cancellation policy: its window and its fees."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction

from practica.audit.services import record_change
from practica.core.money import ZERO, has_valid_places, quantize
from practica.scheduling.errors import InvalidPolicyError
from practica.scheduling.models import SchedulingPolicy
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

MAX_WINDOW_HOURS = 168  # a week; longer windows make almost every cancel late
MAX_FEE = Decimal("10000.00")


def _check_fee(value: Decimal, field: str) -> Decimal:
    if not value.is_finite() or value < ZERO:
        raise InvalidPolicyError("The fee must be 0 or more.", field=field)
    if not has_valid_places(value):
        raise InvalidPolicyError(
            "The fee can have at most 2 decimal places.", field=field
        )
    if value > MAX_FEE:
        raise InvalidPolicyError(f"The fee can be at most {MAX_FEE}.", field=field)
    return quantize(value)


def save_policy(
    *,
    actor: Actor,
    cancellation_window_hours: int,
    late_cancel_fee: Decimal,
    no_show_fee: Decimal,
) -> SchedulingPolicy:
    """Set the clinic's policy, creating its row on the first save."""
    if not 0 <= cancellation_window_hours <= MAX_WINDOW_HOURS:
        raise InvalidPolicyError(
            f"The window must be between 0 and {MAX_WINDOW_HOURS} hours.",
            field="cancellation_window_hours",
        )
    late = _check_fee(late_cancel_fee, "late_cancel_fee")
    no_show = _check_fee(no_show_fee, "no_show_fee")
    with transaction.atomic():
        policy, created = SchedulingPolicy.objects.select_for_update().get_or_create(
            clinic=actor.clinic
        )
        before = (
            f"{policy.cancellation_window_hours}h "
            f"late={policy.late_cancel_fee} no_show={policy.no_show_fee}"
        )
        policy.cancellation_window_hours = cancellation_window_hours
        policy.late_cancel_fee = late
        policy.no_show_fee = no_show
        policy.save()
        record_change(
            actor=actor,
            action="create" if created else "update",
            obj=policy,
            patient_id=None,
            detail=(
                f"{cancellation_window_hours}h late={late} no_show={no_show}"
                + ("" if created else f" (was {before})")
            ),
        )
    logger.info("scheduling.policy_saved", extra={"clinic_id": actor.clinic.pk})
    return policy
