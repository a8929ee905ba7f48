"""Fee schedule precedence and dates (`billing.pricing`)."""

import datetime as dt
from decimal import Decimal

import pytest

from practica.billing.models import CatalogItem, TaxCategory
from practica.billing.pricing import line_for_appointment, price_for
from practica.billing.tests.factories_invoicing import (
    CatalogItemFactory,
    PriceFactory,
    completed_visit,
)
from practica.scheduling.tests.factories import (
    AppointmentTypeFactory,
    ProviderFactory,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db

JAN = dt.date(2030, 1, 1)
JUN = dt.date(2030, 6, 1)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2029, 12, 31), "100.00"),  # before any row: the default
        (JAN, "90.00"),  # the clinic row from its first day
        (dt.date(2030, 5, 31), "90.00"),
        (JUN, "95.00"),  # the later clinic row takes over
    ],
)
def test_clinic_rows_apply_from_their_date(
    clinic: Clinic, on: dt.date, expected: str
) -> None:
    item = CatalogItemFactory(clinic=clinic, default_price=Decimal("100.00"))
    PriceFactory(item=item, amount=Decimal("90.00"), effective_from=JAN)
    PriceFactory(item=item, amount=Decimal("95.00"), effective_from=JUN)
    assert price_for(item=item, provider=None, on=on) == Decimal(expected)


def test_a_providers_row_comes_before_the_clinic_row(clinic: Clinic) -> None:
    # given a clinic fee from June and an older fee of one provider
    item = CatalogItemFactory(clinic=clinic, default_price=Decimal("100.00"))
    senior = ProviderFactory(clinic=clinic)
    other = ProviderFactory(clinic=clinic)
    PriceFactory(item=item, amount=Decimal("95.00"), effective_from=JUN)
    PriceFactory(
        item=item, provider=senior, amount=Decimal("120.00"), effective_from=JAN
    )
    # when priced in July
    july = dt.date(2030, 7, 1)
    # then the provider's own row wins for them; others get the clinic fee
    assert price_for(item=item, provider=senior, on=july) == Decimal("120.00")
    assert price_for(item=item, provider=other, on=july) == Decimal("95.00")
    assert price_for(item=item, provider=senior, on=dt.date(2029, 1, 1)) == Decimal(
        "100.00"
    )


def test_another_items_rows_do_not_count(clinic: Clinic) -> None:
    item = CatalogItemFactory(clinic=clinic, default_price=Decimal("10.00"))
    PriceFactory(item=CatalogItemFactory(clinic=clinic), effective_from=JAN)
    assert price_for(item=item, provider=None, on=JUN) == Decimal("10.00")


def test_a_visit_is_priced_through_its_types_item(
    clinic: Clinic, system_actor: Actor
) -> None:
    # given a service item for the visit type and a fee for the visit's provider
    kind = AppointmentTypeFactory(
        clinic=clinic, name="Massage 60", price=Decimal("80.00"), service_code="MT-60"
    )
    item = CatalogItemFactory(
        clinic=clinic,
        kind=CatalogItem.Kind.SERVICE,
        code="MT60",
        appointment_type=kind,
        default_price=Decimal("85.00"),
        tax_category=TaxCategory.TAXABLE_SERVICE,
    )
    visit = completed_visit(clinic, appointment_type=kind)
    PriceFactory(
        item=item, provider=visit.provider, amount=Decimal("110.00"), effective_from=JAN
    )
    # when its line is built
    line = line_for_appointment(actor=system_actor, appointment=visit)
    # then
    assert (
        line.description,
        line.unit_price,
        line.tax_category,
        line.item,
        line.provider,
        line.appointment,
        line.service_code,
        line.discount_amount,
    ) == (
        "Massage 60 - 2031-03-03",
        Decimal("110.00"),
        TaxCategory.TAXABLE_SERVICE,
        item,
        visit.provider,
        visit,
        "MT-60",
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("is_taxable", "category"),
    [(True, TaxCategory.TAXABLE_SERVICE), (False, TaxCategory.HEALTH_SERVICE)],
)
def test_without_an_item_the_types_price_and_flag_apply(
    clinic: Clinic, system_actor: Actor, is_taxable: bool, category: str
) -> None:
    kind = AppointmentTypeFactory(
        clinic=clinic, price=Decimal("70.00"), is_taxable=is_taxable
    )
    # an inactive item for the type does not count
    CatalogItemFactory(
        clinic=clinic,
        kind=CatalogItem.Kind.SERVICE,
        appointment_type=kind,
        is_active=False,
    )
    visit = completed_visit(clinic, appointment_type=kind)
    line = line_for_appointment(actor=system_actor, appointment=visit)
    assert (line.unit_price, line.tax_category, line.item) == (
        Decimal("70.00"),
        category,
        None,
    )
