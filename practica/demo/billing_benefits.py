"""The demo clinic's packages, membership and gift cards.

A "10 massages" package sold to the two patients with the most recent
completed massage visits (their uninvoiced visits are invoiced on it), one
package sold over a year ago and expired, a "Wellness club" membership with
one member billed monthly for three months, and two gift cards, one partly
redeemed. Everything goes through the billing services; only the sale dates
of the package and membership are moved back afterwards (the demo is loaded
today but tells a story that started months ago). Idempotent: a second run
finds the package plan and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q

from practica.billing.benefits import add_months
from practica.billing.models import (
    CatalogItem,
    GiftCard,
    Invoice,
    MembershipPeriod,
    PackagePlan,
    PatientMembership,
    PatientPackage,
    TaxCategory,
)
from practica.billing.selectors import account_credit, invoice_balance
from practica.billing.services import apply_credit, void_invoice
from practica.billing.services.benefits import (
    bill_memberships,
    define_membership_plan,
    define_package_plan,
    redeem_gift_card,
    sell_benefit,
    sell_gift_card,
)
from practica.billing.services.invoices import (
    create_invoice_for_appointment,
    live_invoice_of,
)
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AppointmentType, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS

PACKAGE_CODE = "PKG-MT10"
MEMBERSHIP_CODE = "MEM-WELL"
GIFT_CARD_CODE = "GIFT"


def _item(
    clinic: Clinic, *, code: str, kind: str, name: str, price: str, tax: str
) -> CatalogItem:
    item, _ = CatalogItem.objects.get_or_create(
        clinic=clinic,
        code=code,
        defaults={
            "kind": kind,
            "name": name,
            "default_price": Decimal(price),
            "tax_category": tax,
        },
    )
    return item


def _counts(clinic: Clinic) -> dict[str, int]:
    return {
        "patient packages": PatientPackage.objects.filter(clinic=clinic).count(),
        "memberships": PatientMembership.objects.filter(clinic=clinic).count(),
        "gift cards": GiftCard.objects.filter(clinic=clinic).count(),
    }


def _massage_patients(clinic: Clinic, types: list[AppointmentType]) -> list[Patient]:
    """Patients with completed massage visits, the most visits first."""
    return list(
        Patient.objects.filter(clinic=clinic)
        .annotate(
            massages=Count(
                "appointments",
                filter=Q(
                    appointments__appointment_type__in=types,
                    appointments__status=Appointment.Status.COMPLETED,
                ),
            )
        )
        .filter(massages__gt=0)
        .order_by("-massages", "pk")[:3]
    )


def _sell_package(
    actor: Actor,
    plan: PackagePlan,
    patient: Patient,
    location: Location,
    *,
    purchased_on: dt.date,
) -> PatientPackage:
    invoice = sell_benefit(
        actor=actor, patient=patient, location=location, item=plan.item
    )
    package = PatientPackage.objects.get(
        clinic=actor.clinic, sale_line__invoice=invoice
    )
    # The story's sale date (see the module docstring).
    PatientPackage.objects.filter(pk=package.pk).update(
        purchased_on=purchased_on,
        expires_on=purchased_on + dt.timedelta(days=plan.validity_days),
    )
    package.refresh_from_db()
    return package


def _use_visits(
    actor: Actor, package: PatientPackage, types: list[AppointmentType], most: int
) -> None:
    visits = Appointment.objects.filter(
        clinic=actor.clinic,
        patient_id=package.patient_id,
        appointment_type__in=types,
        status=Appointment.Status.COMPLETED,
        start_at__date__gte=package.purchased_on,
    ).order_by("start_at")
    for appointment in visits[:most]:
        billed = live_invoice_of(appointment)
        if billed is not None:
            # The visit history billed it before the package was on file:
            # void that, so the package covers the visit; anything paid on it
            # goes toward the package.
            void_invoice(
                actor=actor, invoice=billed, reason="Covered by the patient's package"
            )
        create_invoice_for_appointment(actor=actor, appointment=appointment)
    sale = package.sale_line.invoice
    credit = account_credit(actor=actor, patient=sale.patient)
    balance = invoice_balance(actor=actor, invoice=sale)
    if credit > 0 and balance > 0:
        apply_credit(
            actor=actor, patient=sale.patient, invoice=sale, amount=min(credit, balance)
        )


def seed_benefits(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    """Seed packages, a membership and gift cards; returns counts."""
    if PackagePlan.objects.filter(clinic=clinic, item__code=PACKAGE_CODE).exists():
        return _counts(clinic)
    massage = list(
        AppointmentType.objects.filter(
            clinic=clinic, modality=Modality.MASSAGE, is_active=True
        )
    )
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    patients = _massage_patients(clinic, massage)
    if not massage or location is None or len(patients) < 3:
        return _counts(clinic)
    actor = Actor.system(clinic, frozenset(ALL_PERMISSIONS))
    with transaction.atomic():
        package_plan = define_package_plan(
            actor=actor,
            item=_item(
                clinic,
                code=PACKAGE_CODE,
                kind=CatalogItem.Kind.PACKAGE,
                name="10 massages",
                price="900.00",
                tax=TaxCategory.TAXABLE_SERVICE,
            ),
            visits=10,
            validity_days=365,
            appointment_types=massage,
        )
        for patient, most in zip(patients[:2], (3, 2), strict=True):
            package = _sell_package(
                actor,
                package_plan,
                patient,
                location,
                purchased_on=today - dt.timedelta(days=60),
            )
            _use_visits(actor, package, massage, most)
        _sell_package(
            actor,
            package_plan,
            patients[2],
            location,
            purchased_on=today - dt.timedelta(days=400),
        )

        membership_plan = define_membership_plan(
            actor=actor,
            item=_item(
                clinic,
                code=MEMBERSHIP_CODE,
                kind=CatalogItem.Kind.MEMBERSHIP,
                name="Wellness club",
                price="49.00",
                tax=TaxCategory.TAXABLE_SERVICE,
            ),
            monthly_fee=Decimal("49.00"),
            discount_percent=Decimal("10"),
            visits_per_month=1,
            appointment_types=massage,
        )
        member = patients[2]
        sell_benefit(
            actor=actor, patient=member, location=location, item=membership_plan.item
        )
        membership = PatientMembership.objects.get(
            clinic=clinic, patient=member, plan=membership_plan
        )
        started = add_months(today, -2)
        # The story's start two months ago; the monthly run bills the rest.
        PatientMembership.objects.filter(pk=membership.pk).update(starts_on=started)
        MembershipPeriod.objects.filter(membership=membership).update(starts_on=started)
        bill_memberships(actor=actor, today=today)

        gift_item = _item(
            clinic,
            code=GIFT_CARD_CODE,
            kind=CatalogItem.Kind.GIFT_CARD,
            name="Gift card",
            price="0.00",
            tax=TaxCategory.NOT_TAXABLE,
        )
        first = sell_gift_card(
            actor=actor,
            patient=patients[0],
            location=location,
            item=gift_item,
            amount=Decimal("100.00"),
        )
        sell_gift_card(
            actor=actor,
            patient=patients[1],
            location=location,
            item=gift_item,
            amount=Decimal("50.00"),
        )
        open_invoice = (
            Invoice.objects.filter(
                clinic=clinic,
                status=Invoice.Status.ISSUED,
                total__gte=Decimal("30.00"),
                kind=Invoice.Kind.SERVICE,
            )
            .exclude(pk=first.invoice.pk)
            .order_by("number")
            .first()
        )
        if open_invoice is not None:
            redeem_gift_card(
                actor=actor,
                invoice=open_invoice,
                code=first.code,
                amount=Decimal("30.00"),
            )
    return _counts(clinic)
