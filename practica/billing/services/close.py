"""The daily close: record what went to the bank, then close the day.

Both use cases lock the location row first, so a deposit and a close of the
same day cannot cross: once a day is closed its figures are frozen in the
`DailyClose` row and no deposit can be added to it (a reopen is not offered).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.models import DailyClose, Deposit, Payment
from practica.billing.selectors_close import close_rows
from practica.core.money import CURRENCY_PLACES, ZERO, has_valid_places, quantize
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

REFERENCE_MAX = 80
NOTE_MAX = 300


class DailyCloseError(BillingError):
    """A deposit or a close was refused; nothing was changed."""


def _check_location(actor: Actor, location: Location) -> None:
    if location.clinic_id != actor.clinic.pk:
        # Selectors scope every fetch; reaching here means a caller bypassed them.
        raise DailyCloseError("This location belongs to another clinic.")


def _check_day(location: Location, business_on: dt.date) -> None:
    today = timezone.localdate(timezone.now(), location.tz)
    if business_on > today:
        raise DailyCloseError("The day cannot be in the future.", field="business_on")


def _parse_amount(amount: Decimal | str, currency: str) -> Decimal:
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise DailyCloseError(
            "Enter an amount such as 40.00.", field="amount"
        ) from None
    if not value.is_finite():
        raise DailyCloseError("Enter an amount such as 40.00.", field="amount")
    if value <= ZERO:
        raise DailyCloseError("The amount must be more than 0.", field="amount")
    if not has_valid_places(value, currency):
        places = CURRENCY_PLACES.get(currency, 2)
        raise DailyCloseError(
            f"The amount can have at most {places} decimal places.", field="amount"
        )
    return quantize(value, currency)


def _lock_location(location: Location) -> Location:
    return Location.objects.select_for_update().get(pk=location.pk)


def _is_closed(actor: Actor, location: Location, business_on: dt.date) -> bool:
    return DailyClose.objects.filter(
        clinic=actor.clinic, location=location, business_on=business_on
    ).exists()


def record_deposit(
    *,
    actor: Actor,
    location: Location,
    business_on: dt.date,
    method: str,
    amount: Decimal | str,
    reference: str = "",
) -> Deposit:
    """Record money deposited for one location's day and one payment method."""
    _check_location(actor, location)
    if method not in Payment.Method.values:
        raise DailyCloseError("Choose a payment method.", field="method")
    value = _parse_amount(amount, location.currency)
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        raise DailyCloseError(
            f"The reference can have at most {REFERENCE_MAX} characters.",
            field="reference",
        )
    _check_day(location, business_on)
    with transaction.atomic():
        _lock_location(location)
        if _is_closed(actor, location, business_on):
            raise DailyCloseError(
                "This day is closed; it takes no more deposits.", field="business_on"
            )
        deposit = Deposit.objects.create(
            clinic=actor.clinic,
            location=location,
            business_on=business_on,
            method=method,
            amount=value,
            reference=reference,
            recorded_by=actor.user,
        )
        record_change(
            actor=actor,
            action="create",
            obj=deposit,
            patient_id=None,
            detail=f"{business_on} {method} {value}",
        )
    logger.info(
        "billing.deposit_recorded",
        extra={"deposit_id": deposit.pk, "location_id": location.pk},
    )
    return deposit


def close_day(
    *, actor: Actor, location: Location, business_on: dt.date, note: str = ""
) -> DailyClose:
    """Close a location's day: freeze its expected and deposited totals per
    method. A difference is allowed (it is the point of the report) but kept,
    with the note explaining it."""
    _check_location(actor, location)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DailyCloseError(
            f"The note can have at most {NOTE_MAX} characters.", field="note"
        )
    _check_day(location, business_on)
    with transaction.atomic():
        _lock_location(location)
        if _is_closed(actor, location, business_on):
            raise DailyCloseError("This day is already closed.", field="business_on")
        rows = close_rows(actor=actor, location=location, business_on=business_on)
        expected = sum((r.expected for r in rows), ZERO)
        deposited = sum((r.deposited for r in rows), ZERO)
        try:
            with transaction.atomic():
                close = DailyClose.objects.create(
                    clinic=actor.clinic,
                    location=location,
                    business_on=business_on,
                    closed_by=actor.user,
                    closed_at=timezone.now(),
                    totals={r.method: r.as_json() for r in rows},
                    expected_total=expected,
                    deposited_total=deposited,
                    difference=deposited - expected,
                    note=note,
                )
        except IntegrityError:
            # The location lock makes this unreachable; the constraint is the
            # backstop should a caller skip the lock.
            raise DailyCloseError(
                "This day is already closed.", field="business_on"
            ) from None
        record_change(
            actor=actor,
            action="close",
            obj=close,
            patient_id=None,
            detail=f"{business_on} difference {close.difference}",
        )
    logger.info(
        "billing.day_closed",
        extra={"daily_close_id": close.pk, "location_id": location.pk},
    )
    return close
