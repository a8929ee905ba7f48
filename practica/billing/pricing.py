"""What a clinic charges: the fee schedule lookup, and the invoice line of a
visit.

`price_for` reads most specific first: the item's `Price` row for the
provider, then the clinic-wide row, then the item's default price; among rows
it takes the latest `effective_from` on or before the date of service, so a
fee change from a date never reprices earlier visits.

`line_for_appointment` builds the line a visit is billed with: the service
item linked to the visit's type (or, when the clinic has no item for that
type, the type's own price and taxable flag), priced for the visit's
provider on the visit's local date, less the patient's benefit (a package
visit or membership discount) when there is one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Q

from practica.billing.benefits import benefit_for_appointment
from practica.billing.lines import NewLine
from practica.billing.models import CatalogItem, Price
from practica.billing.taxes import category_for_service
from practica.core.money import ZERO, quantize
from practica.scheduling.models import Appointment, Provider
from practica.tenancy.actor import Actor


def price_for(*, item: CatalogItem, provider: Provider | None, on: dt.date) -> Decimal:
    """The item's price on `on` for `provider` (None: the clinic's price)."""
    rows = Price.objects.filter(
        clinic_id=item.clinic_id, item=item, effective_from__lte=on
    )
    if provider is None:
        rows = rows.filter(provider__isnull=True)
    else:
        rows = rows.filter(Q(provider=provider) | Q(provider__isnull=True))
    # The provider's own rows sort before the clinic-wide ones (nulls last).
    row = (
        rows.order_by(F("provider").asc(nulls_last=True), "-effective_from")
        .values_list("amount", flat=True)
        .first()
    )
    return row if row is not None else item.default_price


def item_for_type(*, actor: Actor, appointment_type_id: int) -> CatalogItem | None:
    """The clinic's active service item billing a visit type, if any."""
    return (
        CatalogItem.objects.filter(
            clinic=actor.clinic,
            appointment_type_id=appointment_type_id,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def line_for_appointment(*, actor: Actor, appointment: Appointment) -> NewLine:
    """The invoice line of one visit (not saved)."""
    kind = appointment.appointment_type
    location = appointment.location
    currency = location.currency
    local_day = appointment.start_at.astimezone(location.tz).date()
    provider = appointment.provider
    item = item_for_type(actor=actor, appointment_type_id=kind.pk)
    if item is not None:
        price = price_for(item=item, provider=provider, on=local_day)
        tax_category = item.tax_category
        code = item.code
    else:
        price = kind.price
        tax_category = category_for_service(is_taxable=kind.is_taxable)
        code = kind.service_code
    price = quantize(price, currency)
    discount_name = ""
    discount_amount = ZERO
    benefit = benefit_for_appointment(
        actor=actor, appointment=appointment, amount=price
    )
    if benefit is not None:
        discount_name = benefit.label[:80]
        discount_amount = min(quantize(benefit.discount, currency), price)
    return NewLine(
        description=f"{kind.name} - {local_day.isoformat()}"[:200],
        unit_price=price,
        quantity=Decimal("1"),
        tax_category=tax_category,
        item=item,
        appointment=appointment,
        provider=provider,
        discount_name=discount_name,
        discount_amount=discount_amount,
        service_code=(kind.service_code or code)[:20],
        benefit=benefit,
    )
