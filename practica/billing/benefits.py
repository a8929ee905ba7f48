"""The benefits hook: what invoicing asks of packages, memberships and gift cards.

Invoicing calls, in this order:

1. `benefit_for_appointment` while pricing a visit: the benefit the visit gets
   (a package visit, a membership's included visit or its discount), which
   becomes the line's discount; None when there is none.
2. `on_line_issued` for every line of an invoice being issued: a package,
   membership or gift card item sold becomes the patient's.
3. `record_benefit_use` inside the issuing transaction, for a line that took a
   benefit: it locks the package or membership and checks again (the price was
   read before the lock), so two invoices of one visit, or of two visits at the
   last package visit, cannot use more than there is. A refusal rolls the whole
   invoice back.
4. `release_benefit_uses` when an invoice is voided or fully credited: its
   visits go back to their package or month, and what it sold is cancelled.

Which benefit wins: a package visit (prepaid) first, earliest expiry first;
then a membership's included visit; then a membership's discount. Expiry and
months are judged on the visit's date in the location's time zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import (  # type: ignore[import-untyped]  # python-dateutil ships no stubs
    relativedelta,
)
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.errors import BillingError
from practica.billing.models import (
    BenefitUse,
    CatalogItem,
    GiftCard,
    GiftCardEntry,
    Invoice,
    InvoiceLine,
    MembershipPeriod,
    MembershipPlan,
    PackagePlan,
    PatientMembership,
    PatientPackage,
    TaxCategory,
)
from practica.core.money import ZERO, quantize
from practica.scheduling.models import Appointment
from practica.tenancy.actor import Actor

logger = logging.getLogger(__name__)

SOURCE_PACKAGE = "package"
SOURCE_MEMBERSHIP_VISIT = "membership_visit"
SOURCE_MEMBERSHIP_DISCOUNT = "membership_discount"

# Gift card codes: 16 characters without look-alikes (0/O, 1/I/L): 80 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


class BenefitError(BillingError):
    """A package, membership or gift card rule refused the request."""


@dataclass(frozen=True)
class Benefit:
    label: str
    discount: Decimal
    source: str
    source_id: int


# Months ------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter
    (a membership started on the 31st renews on the 30th, 28th...)."""
    shifted: dt.date = day + relativedelta(months=months)
    return shifted


def period_start(starts_on: dt.date, day: dt.date) -> dt.date:
    """The start of the membership month that holds `day` (day >= starts_on)."""
    months = (day.year - starts_on.year) * 12 + day.month - starts_on.month
    start = add_months(starts_on, months)
    if start > day:
        start = add_months(starts_on, months - 1)
    return start


# Gift card codes ---------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def set_new_code(card: GiftCard) -> str:
    """Give the card a fresh code and return it (the only time it is seen)."""
    while True:
        code = new_code()
        digest = hash_code(code)
        if not GiftCard.objects.filter(clinic_id=card.clinic_id, code_hash=digest):
            break
    card.code_hash = digest
    card.code_last4 = normalise_code(code)[-4:]
    return code


# Reads -------------------------------------------------------------------


def _visit_day(appointment: Appointment) -> dt.date:
    return timezone.localdate(appointment.start_at, appointment.location.tz)


def _open_packages(
    *, clinic_id: int, patient_id: uuid.UUID, type_id: int, day: dt.date
) -> list[tuple[PatientPackage, int]]:
    """The patient's packages covering the visit, each with its visits used,
    earliest expiry first."""
    packages = list(
        PatientPackage.objects.filter(
            clinic_id=clinic_id,
            patient_id=patient_id,
            cancelled_at__isnull=True,
            purchased_on__lte=day,
            expires_on__gte=day,
            plan__appointment_types=type_id,
        )
        .select_related("plan__item")
        .order_by("expires_on", "id")
    )
    used = Counter(
        BenefitUse.objects.filter(
            clinic_id=clinic_id,
            package__in=[package.pk for package in packages],
            released_at__isnull=True,
        ).values_list("package_id", flat=True)
    )
    return [(package, used[package.pk]) for package in packages]


def _memberships_on(
    *, clinic_id: int, patient_id: uuid.UUID, type_id: int, day: dt.date
) -> QuerySet[PatientMembership]:
    return (
        PatientMembership.objects.filter(
            clinic_id=clinic_id,
            patient_id=patient_id,
            starts_on__lte=day,
            plan__appointment_types=type_id,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .select_related("plan__item")
        .order_by("starts_on", "id")
    )


def _package_label(package: PatientPackage, visit_number: int) -> str:
    return (
        f"Package: {package.plan.item.name} (visit {visit_number} of {package.visits})"
    )


def _included_label(plan: MembershipPlan, visit_number: int) -> str:
    return (
        f"Membership: {plan.item.name} (included visit "
        f"{visit_number} of {plan.visits_per_month} this month)"
    )


def _relabel(line: InvoiceLine, label: str) -> None:
    """Correct the discount's name on a line still being issued."""
    if line.discount_name != label[:80]:
        line.discount_name = label[:80]
        line.save(update_fields=["discount_name", "updated_at"])


def _included_used(membership: PatientMembership, start: dt.date) -> int:
    return BenefitUse.objects.filter(
        clinic_id=membership.clinic_id,
        membership=membership,
        kind=BenefitUse.Kind.MEMBERSHIP_VISIT,
        period_starts_on=start,
        released_at__isnull=True,
    ).count()


def benefit_for_appointment(
    *, actor: Actor, appointment: Appointment, amount: Decimal
) -> Benefit | None:
    """The benefit a visit gets on its invoice line, or None (see module doc)."""
    if appointment.clinic_id != actor.clinic.pk or appointment.patient_id is None:
        return None
    if amount <= ZERO:
        return None
    if BenefitUse.objects.filter(
        clinic=actor.clinic, appointment=appointment, released_at__isnull=True
    ).exists():
        # Another live invoice of this visit already took its benefit.
        return None
    day = _visit_day(appointment)
    patient_id = appointment.patient_id
    type_id = appointment.appointment_type_id
    for package, used in _open_packages(
        clinic_id=actor.clinic.pk, patient_id=patient_id, type_id=type_id, day=day
    ):
        if used < package.visits:
            return Benefit(
                label=_package_label(package, used + 1),
                discount=amount,
                source=SOURCE_PACKAGE,
                source_id=package.pk,
            )
    memberships = list(
        _memberships_on(
            clinic_id=actor.clinic.pk, patient_id=patient_id, type_id=type_id, day=day
        )
    )
    for membership in memberships:
        plan = membership.plan
        if plan.visits_per_month:
            used = _included_used(membership, period_start(membership.starts_on, day))
            if used < plan.visits_per_month:
                return Benefit(
                    label=_included_label(plan, used + 1),
                    discount=amount,
                    source=SOURCE_MEMBERSHIP_VISIT,
                    source_id=membership.pk,
                )
    for membership in memberships:
        plan = membership.plan
        if plan.discount_percent > 0:
            discount = quantize(amount * plan.discount_percent / Decimal(100))
            return Benefit(
                label=(
                    f"Membership: {plan.item.name} "
                    f"({plan.discount_percent.normalize():f}% off)"
                ),
                discount=min(discount, amount),
                source=SOURCE_MEMBERSHIP_DISCOUNT,
                source_id=membership.pk,
            )
    return None


# Writes (inside the issuing or voiding transaction) -----------------------


def _refuse(message: str) -> BenefitError:
    return BenefitError(message, field="appointment")


def _use_package(
    *, actor: Actor, benefit: Benefit, line: InvoiceLine, day: dt.date
) -> BenefitUse:
    package = (
        PatientPackage.objects.select_for_update()
        .filter(clinic=actor.clinic, pk=benefit.source_id)
        .first()
    )
    if package is None or package.cancelled_at is not None:
        raise _refuse("This package is no longer available.")
    if not package.purchased_on <= day <= package.expires_on:
        raise _refuse(f"This package expired on {package.expires_on:%Y-%m-%d}.")
    used = BenefitUse.objects.filter(package=package, released_at__isnull=True).count()
    if used >= package.visits:
        raise _refuse("This package has no visits left.")
    # Lines priced together (one invoice for several visits) were all priced
    # as the next visit; number this one as it really is.
    _relabel(line, _package_label(package, used + 1))
    return BenefitUse(
        kind=BenefitUse.Kind.PACKAGE_VISIT, package=package, discount=line.unit_price
    )


def _use_membership(
    *, actor: Actor, benefit: Benefit, line: InvoiceLine, day: dt.date
) -> BenefitUse:
    membership = (
        PatientMembership.objects.select_for_update()
        .filter(clinic=actor.clinic, pk=benefit.source_id)
        .select_related("plan__item")
        .first()
    )
    if membership is None or membership.starts_on > day:
        raise _refuse("This membership does not cover the visit's date.")
    if membership.ends_on is not None and membership.ends_on <= day:
        raise _refuse(f"This membership ended on {membership.ends_on:%Y-%m-%d}.")
    if benefit.source == SOURCE_MEMBERSHIP_DISCOUNT:
        return BenefitUse(
            kind=BenefitUse.Kind.MEMBERSHIP_DISCOUNT,
            membership=membership,
            discount=line.discount_amount,
        )
    start = period_start(membership.starts_on, day)
    used = _included_used(membership, start)
    plan = membership.plan
    if used >= plan.visits_per_month:
        raise _refuse("This month's included visits are used up.")
    _relabel(line, _included_label(plan, used + 1))
    return BenefitUse(
        kind=BenefitUse.Kind.MEMBERSHIP_VISIT,
        membership=membership,
        period_starts_on=start,
        discount=line.discount_amount,
    )


def record_benefit_use(*, actor: Actor, benefit: Benefit, line: InvoiceLine) -> None:
    """Record that `line` took `benefit`; refuse (rolling the invoice back)
    when the visit already used one, or the benefit ran out meanwhile."""
    if line.appointment_id is None or line.clinic_id != actor.clinic.pk:
        raise _refuse("A benefit applies to a visit's line only.")
    appointment = line.appointment
    assert appointment is not None  # checked just above
    day = _visit_day(appointment)
    if benefit.source == SOURCE_PACKAGE:
        use = _use_package(actor=actor, benefit=benefit, line=line, day=day)
    elif benefit.source in (SOURCE_MEMBERSHIP_VISIT, SOURCE_MEMBERSHIP_DISCOUNT):
        use = _use_membership(actor=actor, benefit=benefit, line=line, day=day)
    else:
        raise _refuse("Unknown benefit.")
    if BenefitUse.objects.filter(
        clinic=actor.clinic,
        appointment_id=line.appointment_id,
        released_at__isnull=True,
    ).exists():
        raise _refuse("This visit already used a package or membership benefit.")
    use.clinic = actor.clinic
    use.appointment_id = line.appointment_id
    use.line = line
    use.invoice_id = line.invoice_id
    use.discount = line.discount_amount
    try:
        # A savepoint: a concurrent invoice of the same visit through another
        # source (not serialised by our row lock) meets the unique constraint.
        with transaction.atomic():
            use.save()
    except IntegrityError:
        raise _refuse(
            "This visit already used a package or membership benefit."
        ) from None
    record_change(
        actor=actor,
        action="create",
        obj=use,
        patient_id=appointment.patient_id,
        detail=f"{use.kind} line={line.pk}",
    )
    logger.info("billing.benefit_used", extra={"benefit_use_id": use.pk})


def gift_card_balance(card: GiftCard) -> Decimal:
    total = card.entries.aggregate(total=Sum("amount"))["total"]
    return quantize(total if total is not None else ZERO, card.currency)


def release_benefit_uses(*, actor: Actor, invoice: Invoice) -> None:
    """Give back the visits `invoice` used and cancel what it sold: its
    packages, a membership it started, its gift cards (their unused value is
    taken off; a card already redeemed refuses the void: refund first)."""
    now = timezone.now()
    uses = list(
        BenefitUse.objects.select_for_update().filter(
            clinic=actor.clinic, invoice=invoice, released_at__isnull=True
        )
    )
    for use in uses:
        use.released_at = now
        use.save(update_fields=["released_at", "updated_at"])
        record_change(
            actor=actor,
            action="release",
            obj=use,
            patient_id=invoice.patient_id,
            detail=f"invoice={invoice.pk}",
        )
    for card in GiftCard.objects.select_for_update().filter(
        clinic=actor.clinic, sale_line__invoice=invoice, status=GiftCard.Status.ACTIVE
    ):
        balance = gift_card_balance(card)
        if balance < card.amount:
            raise BenefitError(
                f"A gift card sold on this invoice (...{card.code_last4}) has been "
                "used; refund its payments back to the card first."
            )
        GiftCardEntry.objects.create(
            clinic=actor.clinic,
            card=card,
            kind=GiftCardEntry.Kind.CANCEL,
            amount=-balance,
            posted_at=now,
        )
        card.status = GiftCard.Status.CANCELLED
        card.save(update_fields=["status", "updated_at"])
        record_change(
            actor=actor, action="cancel", obj=card, patient_id=invoice.patient_id
        )
    for package in PatientPackage.objects.select_for_update().filter(
        clinic=actor.clinic, sale_line__invoice=invoice, cancelled_at__isnull=True
    ):
        package.cancelled_at = now
        package.save(update_fields=["cancelled_at", "updated_at"])
        record_change(
            actor=actor, action="cancel", obj=package, patient_id=invoice.patient_id
        )
    for period in MembershipPeriod.objects.filter(
        clinic=actor.clinic, invoice=invoice
    ).select_related("membership"):
        membership = period.membership
        # Voiding the invoice that started a membership undoes it; voiding a
        # later month's fee waives that month (the period stays billed).
        if (
            period.starts_on == membership.starts_on
            and membership.status == PatientMembership.Status.ACTIVE
        ):
            membership.status = PatientMembership.Status.CANCELLED
            membership.ends_on = membership.starts_on
            membership.cancel_reason = "Sale invoice voided or credited"
            membership.save(
                update_fields=["status", "ends_on", "cancel_reason", "updated_at"]
            )
            record_change(
                actor=actor,
                action="cancel",
                obj=membership,
                patient_id=invoice.patient_id,
            )
    if uses:
        logger.info(
            "billing.benefits_released",
            extra={"invoice_id": str(invoice.pk), "count": len(uses)},
        )


def _plan_for(item: CatalogItem) -> PackagePlan | MembershipPlan:
    model: type[PackagePlan] | type[MembershipPlan] = (
        PackagePlan if item.kind == CatalogItem.Kind.PACKAGE else MembershipPlan
    )
    plan = model.objects.filter(clinic_id=item.clinic_id, item=item).first()
    if plan is None:
        raise BenefitError(
            f"{item.name} has no plan yet: define its visits first.", field="item"
        )
    return plan


def _sell_package(*, actor: Actor, line: InvoiceLine, invoice: Invoice) -> None:
    assert line.item is not None  # the caller checked the kind
    plan = _plan_for(line.item)
    assert isinstance(plan, PackagePlan)
    purchased_on = invoice.issued_on or timezone.localdate()
    package = PatientPackage.objects.create(
        clinic=actor.clinic,
        patient_id=invoice.patient_id,
        plan=plan,
        sale_line=line,
        visits=plan.visits,
        purchased_on=purchased_on,
        expires_on=purchased_on + dt.timedelta(days=plan.validity_days),
    )
    record_change(
        actor=actor, action="create", obj=package, patient_id=invoice.patient_id
    )


def _sell_membership(*, actor: Actor, line: InvoiceLine, invoice: Invoice) -> None:
    assert line.item is not None  # the caller checked the kind
    plan = _plan_for(line.item)
    assert isinstance(plan, MembershipPlan)
    if (
        MembershipPeriod.objects.filter(
            clinic=actor.clinic,
            membership__patient_id=invoice.patient_id,
            membership__plan=plan,
            invoice__isnull=True,
        ).exists()
        or PatientMembership.objects.filter(
            clinic=actor.clinic,
            patient_id=invoice.patient_id,
            plan=plan,
            status=PatientMembership.Status.ACTIVE,
        ).exists()
    ):
        # A month's fee being billed (`bill_memberships`), or a fee line for
        # a running membership: not a new membership.
        return
    starts_on = invoice.issued_on or timezone.localdate()
    membership = PatientMembership.objects.create(
        clinic=actor.clinic,
        patient_id=invoice.patient_id,
        plan=plan,
        location_id=invoice.location_id,
        starts_on=starts_on,
    )
    MembershipPeriod.objects.create(
        clinic=actor.clinic, membership=membership, starts_on=starts_on, invoice=invoice
    )
    record_change(
        actor=actor, action="create", obj=membership, patient_id=invoice.patient_id
    )


def _sell_gift_card(*, actor: Actor, line: InvoiceLine, invoice: Invoice) -> None:
    if line.tax_category != TaxCategory.NOT_TAXABLE or line.tax_amount != ZERO:
        raise BenefitError(
            "A gift card is sold outside sales tax (tax category: not taxable).",
            field="tax_category",
        )
    card = GiftCard(
        clinic=actor.clinic,
        purchaser_id=invoice.patient_id,
        sale_line=line,
        amount=line.unit_price,
        currency=invoice.currency,
    )
    # The code nobody has seen yet: the sale view replaces it with one it shows
    # once (`services.benefits.reissue_gift_card_code`).
    set_new_code(card)
    card.save()
    GiftCardEntry.objects.create(
        clinic=actor.clinic,
        card=card,
        kind=GiftCardEntry.Kind.LOAD,
        amount=card.amount,
        posted_at=timezone.now(),
    )
    record_change(actor=actor, action="create", obj=card, patient_id=invoice.patient_id)


SELLERS = {
    CatalogItem.Kind.PACKAGE: _sell_package,
    CatalogItem.Kind.MEMBERSHIP: _sell_membership,
    CatalogItem.Kind.GIFT_CARD: _sell_gift_card,
}


def on_line_issued(*, actor: Actor, line: InvoiceLine) -> None:
    """A package, membership or gift card sold on `line` becomes the patient's."""
    item = line.item
    if item is None or item.kind not in SELLERS:
        return
    if line.quantity != 1:
        raise BenefitError(
            f"Sell one {item.get_kind_display().lower()} per line.", field="quantity"
        )
    if line.unit_price <= ZERO:
        raise BenefitError("A benefit is sold at a price above 0.", field="unit_price")
    SELLERS[CatalogItem.Kind(item.kind)](actor=actor, line=line, invoice=line.invoice)
