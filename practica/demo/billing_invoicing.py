"""Demo catalogue and invoicing: one service item per visit type, a few
products, a provider's own fee, two named discounts, a draft invoice and one
invoice billing several visits (two single-visit invoices voided and billed
together, since the demo's history bills every visit on its own).
Everything goes through the billing services as the owner, so it is audited
as in real use. Running it again adds nothing.

Custom orthotics are sold as goods (GST/HST, plus PST where there is one):
orthotics are zero-rated only when made on a qualifying practitioner's
written order, and a clinic shelf item cannot know that. A prescribed pair is
billed as a custom line with the zero-rated category.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from practica.billing.models import CatalogItem, Invoice, TaxCategory
from practica.billing.selectors_drafts import list_uninvoiced_visits
from practica.billing.services.catalogue import (
    add_price,
    create_discount,
    create_item,
)
from practica.billing.services.corrections import void_invoice
from practica.billing.services.drafts import (
    add_item_line,
    create_draft,
    invoice_visits,
    set_line_discount,
    update_draft,
)
from practica.billing.taxes import category_for_service
from practica.patients.models import Patient
from practica.scheduling.models import Provider
from practica.scheduling.selectors.setup import list_all_appointment_types
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS, OWNER

# (code, name, price, tax category)
PRODUCTS = (
    ("PR-FOAM", "Foam roller", "34.99", TaxCategory.GOODS),
    ("PR-BAND", "Resistance band set", "14.99", TaxCategory.GOODS),
    ("PR-ORTH", "Custom orthotics (pair)", "450.00", TaxCategory.GOODS),
    ("PR-PACK", "Hot/cold gel pack", "19.99", TaxCategory.GOODS),
)
DISCOUNTS = (("Senior 10%", Decimal("10")), ("Staff 50%", Decimal("50")))
# The senior physiotherapist charges more for a follow-up from this many days ago.
PROVIDER_FEE_DAYS_AGO = 90
PROVIDER_FEE_PREMIUM = Decimal("15.00")


def _owner_actor(clinic: Clinic) -> Actor:
    owner = (
        Membership.objects.filter(clinic=clinic, roles__key=OWNER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        return Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    return Actor(
        clinic=clinic,
        user=owner.user,
        membership=owner,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def _service_code(code: str, pk: int) -> str:
    return (code or f"SVC-{pk}")[:20]


def _rebill_together(actor: Actor, patients: list[Patient]) -> int:
    """One invoice billing several visits. The demo's history bills every
    completed visit on its own invoice, so the story is a correction: a
    patient's two unpaid visit invoices are voided ("billed together") and
    their visits billed again on one invoice. Visits not yet invoiced are
    used first when a patient has two."""
    for patient in patients:
        visits = list_uninvoiced_visits(actor=actor, patient=patient)
        if len(visits) >= 2:
            invoice_visits(actor=actor, patient=patient, appointments=visits[:3])
            return 1
    for patient in patients:
        unpaid = list(
            Invoice.objects.filter(
                clinic=actor.clinic,
                patient=patient,
                status=Invoice.Status.ISSUED,
                kind=Invoice.Kind.SERVICE,
                appointment__isnull=False,
            )
            .exclude(payments__isnull=False)
            .select_related("appointment")
            .order_by("issued_on", "number")[:2]
        )
        if len(unpaid) < 2:
            continue
        for invoice in unpaid:
            void_invoice(
                actor=actor, invoice=invoice, reason="Billed together on one invoice"
            )
        visits = [i.appointment for i in unpaid if i.appointment is not None]
        invoice_visits(actor=actor, patient=patient, appointments=visits)
        return 1
    return 0


def seed_invoicing(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    """Seed the catalogue, a draft and a multi-visit invoice; counts of what
    was made (all 0 when the clinic already has a catalogue)."""
    counts = {
        "service_items": 0,
        "products": 0,
        "prices": 0,
        "discounts": 0,
        "drafts": 0,
        "multi_visit_invoices": 0,
    }
    if CatalogItem.objects.filter(clinic=clinic).exists():
        return counts
    actor = _owner_actor(clinic)
    with transaction.atomic():
        services: dict[str, CatalogItem] = {}
        for kind in list_all_appointment_types(actor=actor).filter(is_active=True):
            item = create_item(
                actor=actor,
                kind=CatalogItem.Kind.SERVICE,
                code=_service_code(kind.service_code, kind.pk),
                name=kind.name,
                default_price=kind.price,
                tax_category=category_for_service(is_taxable=kind.is_taxable),
                appointment_type=kind,
            )
            services[kind.service_code] = item
            counts["service_items"] += 1
        products: dict[str, CatalogItem] = {}
        for code, name, price, category in PRODUCTS:
            products[code] = create_item(
                actor=actor,
                kind=CatalogItem.Kind.PRODUCT,
                code=code,
                name=name,
                default_price=Decimal(price),
                tax_category=category,
            )
            counts["products"] += 1
        follow_up = services.get("PT-FU") or next(iter(services.values()), None)
        senior = Provider.objects.filter(clinic=clinic).order_by("pk").first()
        if follow_up is not None and senior is not None:
            add_price(
                actor=actor,
                item=follow_up,
                provider=senior,
                amount=follow_up.default_price + PROVIDER_FEE_PREMIUM,
                effective_from=today - dt.timedelta(days=PROVIDER_FEE_DAYS_AGO),
            )
            counts["prices"] += 1
        discounts = [
            create_discount(actor=actor, name=name, percent=percent)
            for name, percent in DISCOUNTS
        ]
        counts["discounts"] = len(discounts)
        patients = list(
            Patient.objects.filter(clinic=clinic, is_active=True).order_by("pk")[:40]
        )
        location = Location.objects.filter(clinic=clinic).order_by("pk").first()
        if patients and location is not None:
            draft = create_draft(actor=actor, patient=patients[0], location=location)
            add_item_line(actor=actor, invoice=draft, item=products["PR-FOAM"])
            band = add_item_line(actor=actor, invoice=draft, item=products["PR-BAND"])
            set_line_discount(actor=actor, line=band, discount=discounts[0])
            update_draft(
                actor=actor,
                invoice=draft,
                memo="Home exercise kit",
                due_on=today + dt.timedelta(days=30),
            )
            counts["drafts"] = 1
        counts["multi_visit_invoices"] = _rebill_together(actor, patients[1:])
    return counts
