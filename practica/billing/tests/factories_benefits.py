"""Factories for packages, memberships and gift cards: catalogue items straight
into the table, plans and sales through the services (as staff make them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import factory

from practica.billing.models import (
    CatalogItem,
    GiftCard,
    Invoice,
    MembershipPlan,
    PackagePlan,
    PatientMembership,
    PatientPackage,
    TaxCategory,
)
from practica.billing.services.benefits import (
    GiftCardSale,
    define_membership_plan,
    define_package_plan,
    sell_benefit,
    sell_gift_card,
)
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import Appointment, AppointmentType
from practica.scheduling.tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    local,
    main_location,
)
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import system_actor_for


class BenefitItemFactory(factory.django.DjangoModelFactory):
    """A catalogue item of kind package (pass `clinic`; override `kind`)."""

    class Meta:
        model = CatalogItem

    kind = CatalogItem.Kind.PACKAGE
    code = factory.Sequence(lambda n: f"BEN-{n:04d}")
    name = "10 massages"
    default_price = Decimal("900.00")
    tax_category = TaxCategory.HEALTH_SERVICE


def make_package_plan(
    clinic: Clinic,
    *,
    visits: int = 10,
    validity_days: int = 365,
    types: Sequence[AppointmentType] | None = None,
    name: str = "10 massages",
    price: Decimal = Decimal("900.00"),
) -> PackagePlan:
    item = BenefitItemFactory(clinic=clinic, name=name, default_price=price)
    covered = (
        list(types) if types is not None else [AppointmentTypeFactory(clinic=clinic)]
    )
    return define_package_plan(
        actor=system_actor_for(clinic),
        item=item,
        visits=visits,
        validity_days=validity_days,
        appointment_types=covered,
    )


def make_membership_plan(
    clinic: Clinic,
    *,
    fee: Decimal = Decimal("50.00"),
    percent: Decimal = Decimal("0"),
    visits_per_month: int = 1,
    types: Sequence[AppointmentType] | None = None,
) -> MembershipPlan:
    item = BenefitItemFactory(
        clinic=clinic,
        kind=CatalogItem.Kind.MEMBERSHIP,
        name="Wellness club",
        default_price=fee,
        tax_category=TaxCategory.TAXABLE_SERVICE,
    )
    covered = (
        list(types) if types is not None else [AppointmentTypeFactory(clinic=clinic)]
    )
    return define_membership_plan(
        actor=system_actor_for(clinic),
        item=item,
        monthly_fee=fee,
        discount_percent=percent,
        visits_per_month=visits_per_month,
        appointment_types=covered,
    )


def sell(plan: PackagePlan | MembershipPlan, patient: Patient) -> Invoice:
    clinic = plan.clinic
    return sell_benefit(
        actor=system_actor_for(clinic),
        patient=patient,
        location=main_location(clinic),
        item=plan.item,
    )


def make_package(
    clinic: Clinic, *, patient: Patient | None = None, **plan_fields: object
) -> PatientPackage:
    plan = make_package_plan(clinic, **plan_fields)  # type: ignore[arg-type]  # test-only pass-through
    buyer = patient if patient is not None else PatientFactory(clinic=clinic)
    invoice = sell(plan, buyer)
    return PatientPackage.objects.get(clinic=clinic, sale_line__invoice=invoice)


def make_membership(
    clinic: Clinic, *, patient: Patient | None = None, **plan_fields: object
) -> PatientMembership:
    plan = make_membership_plan(clinic, **plan_fields)  # type: ignore[arg-type]  # test-only pass-through
    buyer = patient if patient is not None else PatientFactory(clinic=clinic)
    sell(plan, buyer)
    return PatientMembership.objects.get(clinic=clinic, patient=buyer, plan=plan)


def make_gift_card_sale(
    clinic: Clinic,
    *,
    amount: Decimal = Decimal("100.00"),
    patient: Patient | None = None,
    expires_on: dt.date | None = None,
) -> GiftCardSale:
    item = BenefitItemFactory(
        clinic=clinic,
        kind=CatalogItem.Kind.GIFT_CARD,
        name="Gift card",
        default_price=Decimal("0"),
        tax_category=TaxCategory.NOT_TAXABLE,
    )
    return sell_gift_card(
        actor=system_actor_for(clinic),
        patient=patient if patient is not None else PatientFactory(clinic=clinic),
        location=main_location(clinic),
        item=item,
        amount=amount,
        expires_on=expires_on,
    )


def visit(
    clinic: Clinic,
    *,
    patient: Patient,
    appointment_type: AppointmentType,
    day: dt.date,
    hour: int = 10,
) -> Appointment:
    """A completed visit on `day` (Toronto time)."""
    return AppointmentFactory(
        clinic=clinic,
        patient=patient,
        appointment_type=appointment_type,
        start_at=local(day, hour),
        status=Appointment.Status.COMPLETED,
    )


def _gift_card_id(clinic: Clinic) -> object:
    card: GiftCard = make_gift_card_sale(clinic).card
    return card.pk


URL_KWARG_BUILDERS_BENEFITS: dict[str, Callable[[Clinic], object]] = {
    "gift_card_id": _gift_card_id,
}
