"""A priced invoice line before it is written (shared by pricing and the
invoicing services, so neither imports the other)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from practica.billing import benefits
from practica.billing.models import CatalogItem, TaxCategory
from practica.charting.models import ClinicalNote
from practica.core.money import ZERO
from practica.scheduling.models import Appointment, Provider


@dataclass(frozen=True)
class NewLine:
    """A priced line before it is written. `unit_price` x `quantity` less
    `discount_amount` is what is taxed."""

    description: str
    unit_price: Decimal
    tax_category: str = TaxCategory.HEALTH_SERVICE
    quantity: Decimal = Decimal("1")
    item: CatalogItem | None = None
    appointment: Appointment | None = None
    note: ClinicalNote | None = None
    provider: Provider | None = None
    discount_name: str = ""
    discount_amount: Decimal = ZERO
    service_code: str = ""
    benefit: benefits.Benefit | None = None
