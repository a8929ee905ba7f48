"""Factories of the catalogue, fee schedules, discounts and drafts, and the
URL keyword builders of their pages (merged into `factories.URL_KWARG_BUILDERS`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import factory

from practica.billing.models import (
    CatalogItem,
    Discount,
    Invoice,
    InvoiceLine,
    Price,
    TaxCategory,
)
from practica.billing.services.drafts import add_custom_line, create_draft
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment
from practica.scheduling.tests.factories import AppointmentFactory, main_location
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for


class CatalogItemFactory(factory.django.DjangoModelFactory):
    """A product (pass `clinic`); a service with `kind` and `appointment_type`."""

    class Meta:
        model = CatalogItem

    kind = CatalogItem.Kind.PRODUCT
    code = factory.Sequence(lambda n: f"IT-{n:03d}")
    name = factory.Sequence(lambda n: f"Item {n}")
    default_price = Decimal("20.00")
    tax_category = TaxCategory.GOODS


class PriceFactory(factory.django.DjangoModelFactory):
    """A fee schedule row (pass `item`; `provider` for a provider's own fee)."""

    class Meta:
        model = Price

    clinic = factory.SelfAttribute("item.clinic")
    amount = Decimal("90.00")
    effective_from = dt.date(2030, 1, 1)


class DiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discount

    name = factory.Sequence(lambda n: f"Discount {n}")
    percent = Decimal("10")
    amount = None


def make_draft(clinic: Clinic, *, patient: Patient | None = None) -> Invoice:
    """An empty draft at the clinic's main location, made by the service."""
    return create_draft(
        actor=system_actor_for(clinic),
        patient=patient or PatientFactory(clinic=clinic),
        location=main_location(clinic),
    )


def make_draft_line(
    clinic: Clinic, *, unit_price: Decimal = Decimal("50.00")
) -> InvoiceLine:
    """A custom line on a new draft."""
    return add_custom_line(
        actor=system_actor_for(clinic),
        invoice=make_draft(clinic),
        description="Report for an insurer",
        unit_price=unit_price,
    )


def completed_visit(clinic: Clinic, **fields: object) -> Appointment:
    values: dict[str, object] = {"status": Appointment.Status.COMPLETED, **fields}
    visit: Appointment = AppointmentFactory(clinic=clinic, **values)
    return visit


URL_KWARG_BUILDERS_INVOICING: dict[str, Callable[[Clinic], object]] = {
    "item_id": lambda clinic: CatalogItemFactory(clinic=clinic).pk,
    "price_id": lambda clinic: (
        PriceFactory(
            item=CatalogItemFactory(clinic=clinic), effective_from=dt.date(2099, 1, 1)
        ).pk
    ),
    "discount_id": lambda clinic: DiscountFactory(clinic=clinic).pk,
    "draft_id": lambda clinic: make_draft(clinic).pk,
    "line_id": lambda clinic: make_draft_line(clinic).pk,
}
