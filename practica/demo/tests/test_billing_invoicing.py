"""The demo catalogue and invoicing seed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from practica.billing.models import CatalogItem, Discount, Invoice, Price
from practica.demo.billing_invoicing import seed_invoicing
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.scheduling.models import AppointmentType
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Invoicing Demo",
        slug="invoicing-demo",
        email_domain="invoicing.example",
        patients=6,
        providers=2,
        days_back=14,
        days_ahead=1,
    )
    return generate_clinic(spec).clinic


def test_seed_builds_the_catalogue_and_runs_once(demo_clinic: Clinic) -> None:
    today = timezone.localdate()
    types = AppointmentType.objects.filter(clinic=demo_clinic, is_active=True).count()
    counts = seed_invoicing(demo_clinic, today=today)
    again = seed_invoicing(demo_clinic, today=today)
    assert counts["service_items"] == types
    assert (counts["products"], counts["prices"], counts["discounts"]) == (4, 1, 2)
    assert counts["drafts"] == 1
    assert counts["multi_visit_invoices"] == 1
    assert set(again.values()) == {0}
    assert (
        CatalogItem.objects.filter(
            clinic=demo_clinic, appointment_type__isnull=False
        ).count()
        == types
    )
    assert sorted(
        Discount.objects.filter(clinic=demo_clinic).values_list("name", flat=True)
    ) == ["Senior 10%", "Staff 50%"]
    assert Price.objects.get(clinic=demo_clinic).provider is not None
    together = Invoice.objects.filter(clinic=demo_clinic, status="issued").order_by(
        "-number"
    )[0]
    assert together.lines.exclude(appointment=None).count() == 2
    assert Invoice.objects.filter(clinic=demo_clinic, status="void").count() == 2
    draft = Invoice.objects.get(clinic=demo_clinic, status="draft")
    assert draft.lines.count() == 2
    # Foam roller 34.99 + band 14.99 less 10% (1.50) = 48.48, HST 13% 6.30
    assert (draft.subtotal, draft.tax_total) == (Decimal("48.48"), Decimal("6.30"))
