"""Package, membership and gift card pages: success, forbidden, invalid, and
another clinic's objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from time_machine import TimeMachineFixture

from practica.billing.benefits import gift_card_balance
from practica.billing.models import (
    CatalogItem,
    GiftCard,
    Invoice,
    PackagePlan,
    PatientMembership,
    PatientPackage,
    Payment,
)
from practica.billing.tests.factories import make_invoice
from practica.billing.tests.factories_benefits import (
    BenefitItemFactory,
    make_gift_card_sale,
    make_membership,
    make_package,
    make_package_plan,
)
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.tests.factories import AppointmentTypeFactory, main_location
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, OWNER, PROVIDER

MemberFactory = Callable[..., Membership]
ClientFor = Callable[[Membership], Client]
# session, user, membership, roles, the patient, audit chain and row,
# packages, memberships, gift cards, and the forms' choices
PATIENT_PAGE_QUERIES = 22
PLANS_PAGE_QUERIES = 11


@pytest.fixture(autouse=True)
def _frozen(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(dt.datetime(2031, 3, 3, 17, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def billing_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [BILLING]))


@pytest.fixture
def owner_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [OWNER]))


@pytest.fixture
def provider_client(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [PROVIDER]))


def test_plans_page_lists_plans_and_hides_the_forms_from_billing(
    clinic: Clinic, billing_client: Client
) -> None:
    make_package_plan(clinic)
    response = billing_client.get(reverse("billing:benefits-plans"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "10 massages" in body
    assert "$900.00" in body
    assert "Define a package" not in body


def test_plans_page_query_count_does_not_grow(
    clinic: Clinic,
    owner_client: Client,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    make_package_plan(clinic)
    url = reverse("billing:benefits-plans")
    owner_client.get(url)
    with django_assert_num_queries(PLANS_PAGE_QUERIES):
        owner_client.get(url)
    for _ in range(3):
        make_package_plan(clinic)
    with django_assert_num_queries(PLANS_PAGE_QUERIES):
        owner_client.get(url)


def test_owner_defines_a_package_plan(clinic: Clinic, owner_client: Client) -> None:
    item = BenefitItemFactory(clinic=clinic, name="5 physio visits")
    physio = AppointmentTypeFactory(clinic=clinic)
    response = owner_client.post(
        reverse("billing:benefits-package-plan-create"),
        {
            "item": item.pk,
            "visits": "5",
            "validity_days": "180",
            "appointment_types": [physio.pk],
        },
    )
    assert response.status_code == 302
    plan = PackagePlan.objects.get(clinic=clinic)
    assert (plan.visits, plan.validity_days) == (5, 180)
    assert list(plan.appointment_types.all()) == [physio]


def test_package_plan_without_types_is_invalid(
    clinic: Clinic, owner_client: Client
) -> None:
    item = BenefitItemFactory(clinic=clinic)
    response = owner_client.post(
        reverse("billing:benefits-package-plan-create"),
        {"item": item.pk, "visits": "5", "validity_days": "180"},
    )
    assert response.status_code == 422
    assert PackagePlan.objects.filter(clinic=clinic).count() == 0


def test_billing_cannot_define_plans(clinic: Clinic, billing_client: Client) -> None:
    item = BenefitItemFactory(clinic=clinic, kind=CatalogItem.Kind.MEMBERSHIP)
    response = billing_client.post(
        reverse("billing:benefits-membership-plan-create"),
        {"item": item.pk, "monthly_fee": "50", "discount_percent": "10"},
    )
    assert response.status_code == 403


def test_owner_defines_a_membership_plan(clinic: Clinic, owner_client: Client) -> None:
    item = BenefitItemFactory(clinic=clinic, kind=CatalogItem.Kind.MEMBERSHIP)
    response = owner_client.post(
        reverse("billing:benefits-membership-plan-create"),
        {
            "item": item.pk,
            "monthly_fee": "45.00",
            "discount_percent": "10",
            "visits_per_month": "0",
            "appointment_types": [AppointmentTypeFactory(clinic=clinic).pk],
        },
    )
    assert response.status_code == 302
    assert item.membership_plan.discount_percent == Decimal("10.00")


def test_patient_page_shows_packages_memberships_and_cards(
    clinic: Clinic,
    billing_client: Client,
) -> None:
    patient = PatientFactory(clinic=clinic)
    make_package(clinic, patient=patient)
    make_membership(clinic, patient=patient)
    sale = make_gift_card_sale(clinic, patient=patient, amount=Decimal("75.00"))
    url = reverse("billing:benefits-patient", kwargs={"patient_id": patient.pk})
    response = billing_client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "0 of 10" in body
    assert "Wellness club" in body
    assert f"…{sale.card.code_last4}" in body
    assert "$75.00" in body
    assert sale.code not in body


def test_patient_page_query_count_does_not_grow(
    clinic: Clinic,
    billing_client: Client,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    # given a patient with one of each, and the session warmed up
    patient = PatientFactory(clinic=clinic)
    url = reverse("billing:benefits-patient", kwargs={"patient_id": patient.pk})
    make_package(clinic, patient=patient)
    make_membership(clinic, patient=patient)
    make_gift_card_sale(clinic, patient=patient)
    billing_client.get(url)
    # then the page costs the same with one or four of each
    with django_assert_num_queries(PATIENT_PAGE_QUERIES):
        billing_client.get(url)
    for _ in range(3):
        make_package(clinic, patient=patient)
        make_gift_card_sale(clinic, patient=patient)
    with django_assert_num_queries(PATIENT_PAGE_QUERIES):
        billing_client.get(url)


def test_a_provider_cannot_see_a_patients_benefits(
    clinic: Clinic, provider_client: Client
) -> None:
    patient = PatientFactory(clinic=clinic)
    url = reverse("billing:benefits-patient", kwargs={"patient_id": patient.pk})
    assert provider_client.get(url).status_code == 403


def test_another_clinics_patient_is_not_found(
    other_clinic: Clinic, billing_client: Client
) -> None:
    stranger = PatientFactory(clinic=other_clinic)
    url = reverse("billing:benefits-patient", kwargs={"patient_id": stranger.pk})
    assert billing_client.get(url).status_code == 404


def test_selling_a_package_creates_the_invoice(
    clinic: Clinic, billing_client: Client
) -> None:
    plan = make_package_plan(clinic)
    patient = PatientFactory(clinic=clinic)
    response = billing_client.post(
        reverse("billing:benefits-sell", kwargs={"patient_id": patient.pk}),
        {"item": plan.item.pk, "location": main_location(clinic).pk},
    )
    invoice = Invoice.objects.get(clinic=clinic, patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "billing:invoice-detail", kwargs={"invoice_id": invoice.pk}
    )
    assert PatientPackage.objects.get(clinic=clinic).patient_id == patient.pk


def test_selling_another_clinics_item_is_invalid(
    clinic: Clinic, other_clinic: Clinic, billing_client: Client
) -> None:
    foreign = make_package_plan(other_clinic)
    patient = PatientFactory(clinic=clinic)
    response = billing_client.post(
        reverse("billing:benefits-sell", kwargs={"patient_id": patient.pk}),
        {"item": foreign.item.pk, "location": main_location(clinic).pk},
    )
    assert response.status_code == 422
    assert Invoice.objects.count() == 0


def test_selling_a_gift_card_shows_its_code_once(
    clinic: Clinic, billing_client: Client
) -> None:
    item = BenefitItemFactory(
        clinic=clinic, kind=CatalogItem.Kind.GIFT_CARD, name="Gift card"
    )
    patient = PatientFactory(clinic=clinic)
    response = billing_client.post(
        reverse("billing:benefits-gift-card-sell", kwargs={"patient_id": patient.pk}),
        {"item": item.pk, "amount": "50.00", "location": main_location(clinic).pk},
        follow=True,
    )
    card = GiftCard.objects.get(clinic=clinic)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gift card code: " in body
    assert card.code_last4 in body
    again = billing_client.get(
        reverse(
            "billing:invoice-detail", kwargs={"invoice_id": card.sale_line.invoice_id}
        )
    )
    assert "Gift card code: " not in again.content.decode()


def test_a_gift_card_with_three_decimals_is_invalid(
    clinic: Clinic, billing_client: Client
) -> None:
    item = BenefitItemFactory(clinic=clinic, kind=CatalogItem.Kind.GIFT_CARD)
    patient = PatientFactory(clinic=clinic)
    response = billing_client.post(
        reverse("billing:benefits-gift-card-sell", kwargs={"patient_id": patient.pk}),
        {"item": item.pk, "amount": "50.005", "location": main_location(clinic).pk},
    )
    assert response.status_code == 422
    assert GiftCard.objects.count() == 0


def test_cancelling_a_membership(clinic: Clinic, billing_client: Client) -> None:
    membership = make_membership(clinic)
    response = billing_client.post(
        reverse(
            "billing:benefits-membership-cancel",
            kwargs={"patient_id": membership.patient_id},
        ),
        {"membership": membership.pk, "ends_on": "2031-04-01", "reason": "Moving"},
    )
    membership.refresh_from_db()
    assert response.status_code == 302
    assert membership.status == PatientMembership.Status.CANCELLED


def test_cancelling_without_a_reason_is_invalid(
    clinic: Clinic, billing_client: Client
) -> None:
    membership = make_membership(clinic)
    response = billing_client.post(
        reverse(
            "billing:benefits-membership-cancel",
            kwargs={"patient_id": membership.patient_id},
        ),
        {"membership": membership.pk, "ends_on": "2031-04-01", "reason": ""},
    )
    assert response.status_code == 422


def test_redeem_page_and_redeeming(clinic: Clinic, billing_client: Client) -> None:
    sale = make_gift_card_sale(clinic)
    invoice = make_invoice(clinic, price=Decimal("60.00"))
    page = billing_client.get(
        reverse(
            "billing:benefits-gift-card-redeem-form", kwargs={"invoice_id": invoice.pk}
        )
    )
    response = billing_client.post(
        reverse("billing:benefits-gift-card-redeem", kwargs={"invoice_id": invoice.pk}),
        {"code": sale.code, "amount": "60.00"},
    )
    assert page.status_code == 200
    assert "$60.00" in page.content.decode()
    assert response.status_code == 302
    assert gift_card_balance(sale.card) == Decimal("40.00")


def test_redeeming_too_much_shows_the_balance(
    clinic: Clinic, billing_client: Client
) -> None:
    sale = make_gift_card_sale(clinic, amount=Decimal("10.00"))
    invoice = make_invoice(clinic)
    response = billing_client.post(
        reverse("billing:benefits-gift-card-redeem", kwargs={"invoice_id": invoice.pk}),
        {"code": sale.code, "amount": "20.00"},
    )
    assert response.status_code == 422
    assert "The gift card&#x27;s balance is $10.00." in response.content.decode()
    assert Payment.objects.filter(clinic=clinic).count() == 0


def test_a_provider_cannot_redeem(clinic: Clinic, provider_client: Client) -> None:
    sale = make_gift_card_sale(clinic)
    invoice = make_invoice(clinic)
    response = provider_client.post(
        reverse("billing:benefits-gift-card-redeem", kwargs={"invoice_id": invoice.pk}),
        {"code": sale.code, "amount": "20.00"},
    )
    assert response.status_code == 403


def test_reissuing_a_code(clinic: Clinic, billing_client: Client) -> None:
    sale = make_gift_card_sale(clinic)
    response = billing_client.post(
        reverse(
            "billing:benefits-gift-card-code", kwargs={"gift_card_id": sale.card.pk}
        ),
        follow=True,
    )
    sale.card.refresh_from_db()
    assert response.status_code == 200
    assert "New gift card code: " in response.content.decode()
    assert sale.card.code_last4 in response.content.decode()


def test_reissuing_another_clinics_card_is_not_found(
    other_clinic: Clinic, billing_client: Client
) -> None:
    foreign = make_gift_card_sale(other_clinic)
    response = billing_client.post(
        reverse(
            "billing:benefits-gift-card-code", kwargs={"gift_card_id": foreign.card.pk}
        )
    )
    assert response.status_code == 404
