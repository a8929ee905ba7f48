"""Reads of plans, a patient's packages, memberships and gift cards.

Visits used and gift card balances are sums of their rows, annotated in one
query per list, so a page costs the same whatever a patient holds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from practica.audit.services import record_view
from practica.billing.models import (
    CatalogItem,
    GiftCard,
    GiftCardEntry,
    Invoice,
    MembershipPlan,
    PackagePlan,
    PatientMembership,
    PatientPackage,
)
from practica.core.money import ZERO, quantize
from practica.patients.models import Patient
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor

_MONEY = DecimalField(max_digits=12, decimal_places=2)


def list_package_plans(*, actor: Actor) -> QuerySet[PackagePlan]:
    return (
        PackagePlan.objects.filter(clinic=actor.clinic)
        .select_related("item")
        .prefetch_related("appointment_types")
    )


def list_membership_plans(*, actor: Actor) -> QuerySet[MembershipPlan]:
    return (
        MembershipPlan.objects.filter(clinic=actor.clinic)
        .select_related("item")
        .prefetch_related("appointment_types")
    )


def list_items_without_plan(*, actor: Actor, kind: str) -> QuerySet[CatalogItem]:
    """Active package or membership items still waiting for their plan."""
    related = "package_plan" if kind == CatalogItem.Kind.PACKAGE else "membership_plan"
    return CatalogItem.objects.filter(
        clinic=actor.clinic, kind=kind, is_active=True, **{f"{related}__isnull": True}
    )


def list_sellable_items(*, actor: Actor) -> QuerySet[CatalogItem]:
    """Active package and membership items that have a plan."""
    return CatalogItem.objects.filter(clinic=actor.clinic, is_active=True).filter(
        Q(kind=CatalogItem.Kind.PACKAGE, package_plan__is_active=True)
        | Q(kind=CatalogItem.Kind.MEMBERSHIP, membership_plan__is_active=True)
    )


def list_gift_card_items(*, actor: Actor) -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(
        clinic=actor.clinic, kind=CatalogItem.Kind.GIFT_CARD, is_active=True
    )


def _with_balance(queryset: QuerySet[GiftCard]) -> QuerySet[GiftCard]:
    # SQLite sums decimals as floats: round in SQL (see billing.selectors).
    return queryset.annotate(
        balance=Round(
            Coalesce(Sum("entries__amount"), Value(ZERO), output_field=_MONEY),
            2,
            output_field=_MONEY,
        )
    )


@dataclass(frozen=True)
class PatientBenefits:
    patient: Patient
    packages: Sequence[PatientPackage]
    memberships: Sequence[PatientMembership]
    gift_cards: Sequence[GiftCard]
    # The clinic's today, to tell expired packages and cards from valid ones.
    today: dt.date


def patient_benefits(*, actor: Actor, patient: Patient) -> PatientBenefits:
    """What the patient bought ahead: packages (with visits used), memberships
    and the gift cards the patient bought (with balances)."""
    packages = list(
        PatientPackage.objects.filter(clinic=actor.clinic, patient=patient)
        .annotate(used=Count("uses", filter=Q(uses__released_at__isnull=True)))
        .select_related("plan__item")
        .order_by("-purchased_on", "-id")
    )
    memberships = list(
        PatientMembership.objects.filter(clinic=actor.clinic, patient=patient)
        .select_related("plan__item")
        .order_by("-starts_on", "-id")
    )
    gift_cards = list(
        _with_balance(GiftCard.objects.filter(clinic=actor.clinic, purchaser=patient))
    )
    record_view(
        actor=actor, obj=patient, patient_id=patient.pk, detail="billing benefits"
    )
    return PatientBenefits(
        patient=patient,
        packages=packages,
        memberships=memberships,
        gift_cards=gift_cards,
        # The server's date: a label only (the hook checks expiry by the
        # visit's local date), and no extra query for a location's zone.
        today=timezone.localdate(),
    )


def get_gift_card_for(*, actor: Actor, card_id: uuid.UUID) -> GiftCard:
    return scoped_get_or_404(actor, GiftCard.objects.all(), pk=card_id)


def gift_card_balance_of(*, actor: Actor, card: GiftCard) -> Decimal:
    total = GiftCardEntry.objects.filter(clinic=actor.clinic, card=card).aggregate(
        total=Sum("amount")
    )["total"]
    return quantize(total if total is not None else ZERO, card.currency)


def list_gift_cards_sold_on(*, actor: Actor, invoice: Invoice) -> list[GiftCard]:
    """The cards an invoice sold (for its page and receipt: the last four
    characters only; the full code is shown once, when it is issued)."""
    return list(
        _with_balance(
            GiftCard.objects.filter(clinic=actor.clinic, sale_line__invoice=invoice)
        ).order_by("created_at")
    )
