"""What a clinic sells and at what price: services, products, packages, gift
cards; fee schedules; named discounts.

A price is looked up most specific first: a `Price` row for the item and the
provider, then one for the item alone (the clinic's fee schedule), then the
item's default price. Rows carry `effective_from`, so a fee change never
rewrites what was billed before (issued lines keep their own prices). A payer
dimension joins when insurance does.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from practica.tenancy.models import TenantModel


class TaxCategory(models.TextChoices):
    """How sales tax treats an item (rules per region in `billing.taxes`)."""

    HEALTH_SERVICE = "health_service", "Exempt health service"
    TAXABLE_SERVICE = "taxable_service", "Taxable service"
    GOODS = "goods", "Goods (products)"
    ZERO_RATED = "zero_rated", "Zero-rated (e.g. prescribed devices)"
    NOT_TAXABLE = "not_taxable", "Outside sales tax (e.g. gift cards)"


class CatalogItem(TenantModel):
    class Kind(models.TextChoices):
        SERVICE = "service", "Service"
        PRODUCT = "product", "Product"
        PACKAGE = "package", "Package of visits"
        MEMBERSHIP = "membership", "Membership"
        GIFT_CARD = "gift_card", "Gift card"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    default_price = models.DecimalField(max_digits=10, decimal_places=2)
    tax_category = models.CharField(
        max_length=20, choices=TaxCategory.choices, default=TaxCategory.HEALTH_SERVICE
    )
    # The visit type a service item bills; invoicing an appointment finds its
    # item through it (one active item per type).
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code"], name="catalog_item_code_unique"
            ),
            models.UniqueConstraint(
                fields=["clinic", "appointment_type"],
                condition=models.Q(is_active=True, appointment_type__isnull=False),
                name="catalog_one_item_per_type",
            ),
            models.CheckConstraint(
                condition=models.Q(default_price__gte=0),
                name="catalog_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Price(TenantModel):
    """A fee schedule row: the item's price from a date, for every provider
    (provider empty) or for one."""

    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="prices"
    )
    provider = models.ForeignKey(
        "scheduling.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()

    class Meta:
        ordering = ["item", "provider", "-effective_from"]
        constraints = [
            # Two partial constraints, not one with nulls_distinct=False, which
            # SQLite cannot enforce.
            models.UniqueConstraint(
                fields=["item", "provider", "effective_from"],
                condition=models.Q(provider__isnull=False),
                name="price_one_per_provider_day",
            ),
            models.UniqueConstraint(
                fields=["item", "effective_from"],
                condition=models.Q(provider__isnull=True),
                name="price_one_clinic_fee_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.amount}"


class Discount(TenantModel):
    """A named discount staff can apply to a line: a percentage or an amount."""

    name = models.CharField(max_length=80)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(percent__isnull=False, amount__isnull=True)
                    & models.Q(percent__gt=0, percent__lte=100)
                )
                | (
                    models.Q(percent__isnull=True, amount__isnull=False)
                    & models.Q(amount__gt=0)
                ),
                name="discount_percent_or_amount",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def amount_off(self, base: Decimal) -> Decimal:
        """The discount on `base` before rounding, never more than `base`."""
        if self.percent is not None:
            return base * self.percent / Decimal(100)
        return min(self.amount or Decimal(0), base)
