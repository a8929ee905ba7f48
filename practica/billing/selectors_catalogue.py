"""Reads of the catalogue: items with their fee schedules, discounts, and the
choices the catalogue and draft forms offer. Nothing here carries patient
information, so reads are not audited."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from practica.billing.models import CatalogItem, Discount, Price
from practica.scheduling.models import AppointmentType, Provider
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor


def list_items(
    *, actor: Actor, kind: str = "", include_inactive: bool = True
) -> QuerySet[CatalogItem]:
    """The clinic's items with their visit type (one query)."""
    items = CatalogItem.objects.filter(clinic=actor.clinic).select_related(
        "appointment_type"
    )
    if kind:
        items = items.filter(kind=kind)
    if not include_inactive:
        items = items.filter(is_active=True)
    return items.order_by("-is_active", "kind", "name")


def list_sellable_items(*, actor: Actor) -> QuerySet[CatalogItem]:
    """Active items a draft can add."""
    return list_items(actor=actor, include_inactive=False)


def get_item(*, actor: Actor, item_id: int) -> CatalogItem:
    """One item with its fee schedule rows and their providers (a miss is a
    404, audited)."""
    prices = Price.objects.filter(clinic=actor.clinic).select_related("provider")
    queryset = CatalogItem.objects.select_related("appointment_type").prefetch_related(
        Prefetch("prices", queryset=prices.order_by("provider", "-effective_from"))
    )
    return scoped_get_or_404(actor, queryset, pk=item_id)


def get_price(*, actor: Actor, price_id: int) -> Price:
    return scoped_get_or_404(actor, Price.objects.all(), pk=price_id)


def list_discounts(
    *, actor: Actor, include_inactive: bool = True
) -> QuerySet[Discount]:
    discounts = Discount.objects.filter(clinic=actor.clinic)
    if not include_inactive:
        discounts = discounts.filter(is_active=True)
    return discounts.order_by("-is_active", "name")


def get_discount(*, actor: Actor, discount_id: int) -> Discount:
    return scoped_get_or_404(actor, Discount.objects.all(), pk=discount_id)


def list_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    """Visit types a service item can bill."""
    return AppointmentType.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        "name"
    )


def list_providers(*, actor: Actor) -> QuerySet[Provider]:
    """The clinic's providers: the fee schedule's per-provider rows."""
    return Provider.objects.filter(clinic=actor.clinic).order_by("display_name")
