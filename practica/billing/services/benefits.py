"""Use cases of packages, memberships and gift cards.

Plans are defined by a clinic manager; selling goes through an ordinary
invoice (the hook `billing.benefits.on_line_issued` turns the sold line into
the patient's package, membership or gift card); a membership's months are
billed by `bill_memberships`; a gift card pays an invoice by `redeem_gift_card`.
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
from practica.billing.benefits import (
    BenefitError,
    add_months,
    gift_card_balance,
    hash_code,
    set_new_code,
)
from practica.billing.locks import lock_invoice
from practica.billing.models import (
    CatalogItem,
    GiftCard,
    GiftCardEntry,
    Invoice,
    MembershipPeriod,
    MembershipPlan,
    PackagePlan,
    PatientMembership,
    Payment,
    Refund,
    TaxCategory,
)
from practica.billing.selectors import invoice_balance
from practica.billing.services.invoices import NewLine, issue_new_invoice
from practica.billing.services.payments import refund_payment, take_payment
from practica.core.money import ZERO, format_money, has_valid_places, quantize
from practica.patients.models import Patient
from practica.scheduling.models import AppointmentType
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

logger = logging.getLogger(__name__)

MAX_VISITS = 200
MAX_VALIDITY_DAYS = 3660
REASON_MAX = 200


def _same_clinic(actor: Actor, *objs: object) -> None:
    for obj in objs:
        if getattr(obj, "clinic_id", actor.clinic.pk) != actor.clinic.pk:
            # Selectors scope every fetch; reaching here means a caller bypassed them.
            raise BenefitError("This record belongs to another clinic.")


def _money(value: Decimal | str, *, field: str, currency: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise BenefitError("Enter an amount such as 40.00.", field=field) from None
    if not amount.is_finite():
        raise BenefitError("Enter an amount such as 40.00.", field=field)
    if not has_valid_places(amount, currency):
        raise BenefitError("The amount can have at most 2 decimal places.", field=field)
    return quantize(amount, currency)


def _check_types(actor: Actor, types: Sequence[AppointmentType]) -> None:
    if not types:
        raise BenefitError(
            "Choose at least one visit type the plan covers.",
            field="appointment_types",
        )
    _same_clinic(actor, *types)


def _check_item(actor: Actor, item: CatalogItem, kind: str) -> None:
    _same_clinic(actor, item)
    if item.kind != kind:
        raise BenefitError(
            f"Choose an item of kind {CatalogItem.Kind(kind).label.lower()}.",
            field="item",
        )
    if kind == CatalogItem.Kind.PACKAGE:
        has_plan = PackagePlan.objects.filter(item=item).exists()
    else:
        has_plan = MembershipPlan.objects.filter(item=item).exists()
    if has_plan:
        raise BenefitError("This item already has a plan.", field="item")


def define_package_plan(
    *,
    actor: Actor,
    item: CatalogItem,
    visits: int,
    validity_days: int,
    appointment_types: Sequence[AppointmentType],
) -> PackagePlan:
    """Say what a package item holds: visits of which types, valid how long."""
    if not 0 < visits <= MAX_VISITS:
        raise BenefitError(f"Visits: from 1 to {MAX_VISITS}.", field="visits")
    if not 0 < validity_days <= MAX_VALIDITY_DAYS:
        raise BenefitError(
            f"Validity: from 1 to {MAX_VALIDITY_DAYS} days.", field="validity_days"
        )
    _check_types(actor, appointment_types)
    with transaction.atomic():
        _check_item(actor, item, CatalogItem.Kind.PACKAGE)
        plan = PackagePlan.objects.create(
            clinic=actor.clinic, item=item, visits=visits, validity_days=validity_days
        )
        plan.appointment_types.set(appointment_types)
        record_change(actor=actor, action="create", obj=plan, patient_id=None)
    logger.info("billing.package_plan_defined", extra={"plan_id": str(plan.pk)})
    return plan


def define_membership_plan(
    *,
    actor: Actor,
    item: CatalogItem,
    monthly_fee: Decimal | str,
    discount_percent: Decimal | str,
    visits_per_month: int,
    appointment_types: Sequence[AppointmentType],
) -> MembershipPlan:
    """Say what a membership item gives: a discount and/or included visits."""
    fee = _money(monthly_fee, field="monthly_fee", currency=actor.clinic.currency)
    if fee < ZERO:
        raise BenefitError("The fee cannot be negative.", field="monthly_fee")
    percent = _money(discount_percent, field="discount_percent", currency="CAD")
    if not ZERO <= percent <= Decimal(100):
        raise BenefitError("The discount is from 0 to 100%.", field="discount_percent")
    if not 0 <= visits_per_month <= MAX_VISITS:
        raise BenefitError(
            f"Included visits: from 0 to {MAX_VISITS}.", field="visits_per_month"
        )
    if percent == ZERO and visits_per_month == 0:
        raise BenefitError(
            "Give a discount or included visits (or both).", field="discount_percent"
        )
    _check_types(actor, appointment_types)
    with transaction.atomic():
        _check_item(actor, item, CatalogItem.Kind.MEMBERSHIP)
        plan = MembershipPlan.objects.create(
            clinic=actor.clinic,
            item=item,
            monthly_fee=fee,
            discount_percent=percent,
            visits_per_month=visits_per_month,
        )
        plan.appointment_types.set(appointment_types)
        record_change(actor=actor, action="create", obj=plan, patient_id=None)
    logger.info("billing.membership_plan_defined", extra={"plan_id": str(plan.pk)})
    return plan


def sell_benefit(
    *, actor: Actor, patient: Patient, location: Location, item: CatalogItem
) -> Invoice:
    """Sell a package or a membership: an issued invoice with its line (the
    hook makes it the patient's). A membership is billed its monthly fee."""
    _same_clinic(actor, patient, location, item)
    if item.kind == CatalogItem.Kind.PACKAGE:
        plan_price = item.default_price
    elif item.kind == CatalogItem.Kind.MEMBERSHIP:
        plan = MembershipPlan.objects.filter(clinic=actor.clinic, item=item).first()
        if plan is None:
            raise BenefitError(f"{item.name} has no plan yet.", field="item")
        if PatientMembership.objects.filter(
            clinic=actor.clinic,
            patient=patient,
            plan=plan,
            status=PatientMembership.Status.ACTIVE,
        ).exists():
            raise BenefitError(
                "The patient already holds this membership.", field="item"
            )
        plan_price = plan.monthly_fee
    else:
        raise BenefitError("Choose a package or a membership.", field="item")
    if not item.is_active:
        raise BenefitError("This item is no longer sold.", field="item")
    line = NewLine(
        description=item.name[:200],
        unit_price=quantize(plan_price, location.currency),
        tax_category=item.tax_category,
        item=item,
        service_code=item.code,
    )
    invoice = issue_new_invoice(
        actor=actor, patient=patient, location=location, lines=[line]
    )
    logger.info("billing.benefit_sold", extra={"invoice_id": str(invoice.pk)})
    return invoice


@dataclass(frozen=True)
class GiftCardSale:
    invoice: Invoice
    card: GiftCard
    # Shown once to staff, then only its last four characters are kept.
    code: str


def sell_gift_card(
    *,
    actor: Actor,
    patient: Patient,
    location: Location,
    item: CatalogItem,
    amount: Decimal | str,
    expires_on: dt.date | None = None,
) -> GiftCardSale:
    """Sell a gift card of `amount` to `patient` (the buyer): an invoice line
    outside sales tax, and the card loaded with it; its code is returned."""
    _same_clinic(actor, patient, location, item)
    if item.kind != CatalogItem.Kind.GIFT_CARD:
        raise BenefitError("Choose a gift card item.", field="item")
    if not item.is_active:
        raise BenefitError("This item is no longer sold.", field="item")
    value = _money(amount, field="amount", currency=location.currency)
    if value <= ZERO:
        raise BenefitError("The amount must be more than 0.", field="amount")
    today = timezone.localdate(timezone.now(), location.tz)
    if expires_on is not None and expires_on <= today:
        raise BenefitError("The expiry date must be in the future.", field="expires_on")
    with transaction.atomic():
        invoice = issue_new_invoice(
            actor=actor,
            patient=patient,
            location=location,
            lines=[
                NewLine(
                    description=f"{item.name[:150]} ({format_money(value)})",
                    unit_price=value,
                    tax_category=TaxCategory.NOT_TAXABLE,
                    item=item,
                    service_code=item.code,
                )
            ],
        )
        card = GiftCard.objects.select_for_update().get(
            clinic=actor.clinic, sale_line__invoice=invoice
        )
        code = set_new_code(card)
        card.expires_on = expires_on
        card.save(update_fields=["code_hash", "code_last4", "expires_on", "updated_at"])
    logger.info("billing.gift_card_sold", extra={"gift_card_id": str(card.pk)})
    return GiftCardSale(invoice=invoice, card=card, code=code)


def reissue_gift_card_code(*, actor: Actor, card: GiftCard) -> str:
    """Replace a card's code (lost, or sold without showing it): the old code
    stops working; the new one is returned once."""
    _same_clinic(actor, card)
    with transaction.atomic():
        locked = GiftCard.objects.select_for_update().get(
            clinic=actor.clinic, pk=card.pk
        )
        if locked.status != GiftCard.Status.ACTIVE:
            raise BenefitError("This gift card is cancelled.")
        code = set_new_code(locked)
        locked.save(update_fields=["code_hash", "code_last4", "updated_at"])
        record_change(
            actor=actor,
            action="update",
            obj=locked,
            patient_id=locked.purchaser_id,
            detail="code reissued",
        )
    card.code_last4 = locked.code_last4
    logger.info("billing.gift_card_code_reissued", extra={"gift_card_id": str(card.pk)})
    return code


def redeem_gift_card(
    *, actor: Actor, invoice: Invoice, code: str, amount: Decimal | str
) -> Payment:
    """Pay `invoice` with a gift card: a gift_card payment allocated to it and
    the card's redemption entry, in one transaction under the card's lock."""
    _same_clinic(actor, invoice)
    value = _money(amount, field="amount", currency=invoice.currency)
    if value <= ZERO:
        raise BenefitError("The amount must be more than 0.", field="amount")
    with transaction.atomic():
        # Lock order: the invoice, then the card (as refunds to a card do).
        locked = lock_invoice(invoice)
        if locked.status not in Invoice.OPEN_STATUSES:
            raise BenefitError(
                f"This invoice is {locked.get_status_display().lower()}; "
                "it cannot be paid."
            )
        card = (
            GiftCard.objects.select_for_update()
            .filter(clinic=actor.clinic, code_hash=hash_code(code))
            .first()
        )
        # Another clinic's card is unknown here, by the same message.
        if card is None or not code.strip():
            raise BenefitError("No gift card has this code.", field="code")
        if card.status != GiftCard.Status.ACTIVE:
            raise BenefitError("This gift card is cancelled.", field="code")
        today = timezone.localdate(timezone.now(), locked.location.tz)
        if card.expires_on is not None and card.expires_on < today:
            raise BenefitError(
                f"This gift card expired on {card.expires_on:%Y-%m-%d}.", field="code"
            )
        balance = gift_card_balance(card)
        if value > balance:
            raise BenefitError(
                f"The gift card's balance is {format_money(balance)}.", field="amount"
            )
        owed = invoice_balance(actor=actor, invoice=locked)
        if value > owed:
            raise BenefitError(
                f"The amount is more than the invoice's balance of "
                f"{format_money(owed)}.",
                field="amount",
            )
        payment = take_payment(
            actor=actor,
            patient=locked.patient,
            method=Payment.Method.GIFT_CARD,
            amount=value,
            allocations=[(locked, value)],
            reference=f"Gift card ...{card.code_last4}",
            invoice=locked,
        )
        GiftCardEntry.objects.create(
            clinic=actor.clinic,
            card=card,
            kind=GiftCardEntry.Kind.REDEMPTION,
            amount=-value,
            payment=payment,
            posted_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="redeem",
            obj=card,
            patient_id=locked.patient_id,
            detail=f"payment={payment.pk}",
        )
    logger.info(
        "billing.gift_card_redeemed",
        extra={"gift_card_id": str(card.pk), "payment_id": str(payment.pk)},
    )
    return payment


def refund_to_gift_card(
    *, actor: Actor, payment: Payment, amount: Decimal | str, reason: str
) -> Refund:
    """Give a gift card payment back to its card (a Refund of method gift_card
    and the card's refund entry, kept or dropped together)."""
    _same_clinic(actor, payment)
    if payment.method != Payment.Method.GIFT_CARD:
        raise BenefitError("Only a gift card payment goes back to a card.")
    entry = (
        GiftCardEntry.objects.filter(clinic=actor.clinic, payment=payment)
        .select_related("card")
        .first()
    )
    if entry is None:
        raise BenefitError("This payment names no gift card.")
    card = entry.card
    with transaction.atomic():
        GiftCard.objects.select_for_update().get(clinic=actor.clinic, pk=card.pk)
        refund = refund_payment(
            actor=actor,
            payment=payment,
            amount=_money(amount, field="amount", currency=card.currency),
            method=Refund.Method.GIFT_CARD,
            reason=reason,
        )
        GiftCardEntry.objects.create(
            clinic=actor.clinic,
            card=card,
            kind=GiftCardEntry.Kind.REFUND,
            amount=refund.amount,
            refund=refund,
            posted_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="refund",
            obj=card,
            patient_id=payment.patient_id,
            detail=f"refund={refund.pk}",
        )
    return refund


def cancel_membership(
    *, actor: Actor, membership: PatientMembership, ends_on: dt.date, reason: str
) -> PatientMembership:
    """Stop a membership from `ends_on`: no month starting then or later is
    billed, and visits from that day get no benefit."""
    _same_clinic(actor, membership)
    reason = reason.strip()
    if not reason:
        raise BenefitError("Give a reason.", field="reason")
    if len(reason) > REASON_MAX:
        raise BenefitError(
            f"The reason can have at most {REASON_MAX} characters.", field="reason"
        )
    with transaction.atomic():
        locked = PatientMembership.objects.select_for_update().get(
            clinic=actor.clinic, pk=membership.pk
        )
        if locked.status != PatientMembership.Status.ACTIVE:
            raise BenefitError("This membership is already cancelled.")
        if ends_on < locked.starts_on:
            raise BenefitError(
                "The end date cannot be before the start.", field="ends_on"
            )
        locked.status = PatientMembership.Status.CANCELLED
        locked.ends_on = ends_on
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "ends_on", "cancel_reason", "updated_at"])
        record_change(
            actor=actor, action="cancel", obj=locked, patient_id=locked.patient_id
        )
    logger.info("billing.membership_cancelled", extra={"membership_id": locked.pk})
    return locked


def _due_starts(membership: PatientMembership, today: dt.date) -> list[dt.date]:
    starts: list[dt.date] = []
    month = 0
    while (start := add_months(membership.starts_on, month)) <= today:
        if membership.ends_on is not None and start >= membership.ends_on:
            break
        starts.append(start)
        month += 1
    return starts


def _bill_month(
    *, actor: Actor, membership: PatientMembership, start: dt.date
) -> Invoice | None:
    with transaction.atomic():
        locked = (
            PatientMembership.objects.select_for_update()
            .select_related("plan__item", "location", "patient")
            .get(clinic=actor.clinic, pk=membership.pk)
        )
        if MembershipPeriod.objects.filter(membership=locked, starts_on=start).exists():
            return None
        plan = locked.plan
        end = add_months(locked.starts_on, _month_index(locked.starts_on, start) + 1)
        # The month's row first: the hook sees a pending month and knows the
        # line is this membership's fee, not a new membership sold.
        period = MembershipPeriod.objects.create(
            clinic=actor.clinic, membership=locked, starts_on=start
        )
        invoice = issue_new_invoice(
            actor=actor,
            patient=locked.patient,
            location=locked.location,
            lines=[
                NewLine(
                    description=(
                        f"{plan.item.name[:120]}: {start:%Y-%m-%d} to "
                        f"{end - dt.timedelta(days=1):%Y-%m-%d}"
                    ),
                    unit_price=plan.monthly_fee,
                    tax_category=plan.item.tax_category,
                    item=plan.item,
                    service_code=plan.item.code,
                )
            ],
            memo="Membership fee",
            due_on=start,
        )
        period.invoice = invoice
        period.save(update_fields=["invoice", "updated_at"])
    return invoice


def _month_index(starts_on: dt.date, start: dt.date) -> int:
    return (start.year - starts_on.year) * 12 + start.month - starts_on.month


def bill_memberships(*, actor: Actor, today: dt.date) -> list[Invoice]:
    """Invoice every membership month that has started by `today` and is not
    billed yet, once (a unique period row; run it as often as you like)."""
    memberships = PatientMembership.objects.filter(
        clinic=actor.clinic, starts_on__lte=today, plan__monthly_fee__gt=0
    ).prefetch_related("periods")
    invoices: list[Invoice] = []
    for membership in memberships:
        billed = {period.starts_on for period in membership.periods.all()}
        for start in _due_starts(membership, today):
            if start in billed:
                continue
            invoice = _bill_month(actor=actor, membership=membership, start=start)
            if invoice is not None:
                invoices.append(invoice)
    logger.info(
        "billing.memberships_billed",
        extra={"clinic_id": actor.clinic.pk, "count": len(invoices)},
    )
    return invoices
