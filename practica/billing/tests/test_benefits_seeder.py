"""The demo's packages, membership and gift cards, seeded through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from practica.billing.benefits import gift_card_balance
from practica.billing.models import (
    BenefitUse,
    GiftCard,
    MembershipPeriod,
    PatientPackage,
)
from practica.demo.billing_benefits import seed_benefits
from practica.demo.generator import ClinicSpec, generate_clinic
from practica.tenancy.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic() -> Clinic:
    spec = ClinicSpec(
        name="Benefits Demo",
        slug="benefits-demo",
        email_domain="benefits.example",
        patients=12,
        providers=6,
        days_back=45,
        days_ahead=1,
    )
    return generate_clinic(spec).clinic


def test_seed_benefits_sells_packages_a_membership_and_gift_cards(
    demo_clinic: Clinic,
) -> None:
    today = timezone.localdate()
    counts = seed_benefits(demo_clinic, today=today)
    assert counts == {"patient packages": 3, "memberships": 1, "gift cards": 2}
    packages = PatientPackage.objects.filter(clinic=demo_clinic)
    assert sum(1 for p in packages if p.expires_on < today) == 1
    assert BenefitUse.objects.filter(clinic=demo_clinic).count() >= 1
    assert MembershipPeriod.objects.filter(clinic=demo_clinic).count() == 3
    balances = sorted(
        gift_card_balance(card) for card in GiftCard.objects.filter(clinic=demo_clinic)
    )
    assert balances == [Decimal("50.00"), Decimal("70.00")]


def test_seed_benefits_twice_adds_nothing(demo_clinic: Clinic) -> None:
    today = timezone.localdate()
    first = seed_benefits(demo_clinic, today=today)
    assert seed_benefits(demo_clinic, today=today) == first
