"""Factories for online card payments: Stripe customers and saved cards,
straight into their tables (the flows that create them are tested through
the services and the Stripe fake)."""

from __future__ import annotations

from collections.abc import Callable

import factory
from django.utils import timezone

from practica.billing.models import SavedCard, StripeCustomer
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic

CONSENT = "The patient agrees that the clinic keeps this card on file."


class StripeCustomerFactory(factory.django.DjangoModelFactory):
    """Pass `clinic` and `patient`."""

    class Meta:
        model = StripeCustomer

    customer_id = factory.Sequence(lambda n: f"cus_test{n:05d}")


def make_saved_card(
    clinic: Clinic,
    *,
    patient: Patient | None = None,
    payment_method_id: str = "",
) -> SavedCard:
    """A card on file with consent recorded, for a new or given patient."""
    owner = patient if patient is not None else PatientFactory(clinic=clinic)
    customer = StripeCustomer.objects.filter(clinic=clinic, patient=owner).first()
    if customer is None:
        customer = StripeCustomerFactory(clinic=clinic, patient=owner)
    return SavedCardFactory(
        clinic=clinic,
        patient=owner,
        customer=customer,
        **({"payment_method_id": payment_method_id} if payment_method_id else {}),
    )


class SavedCardFactory(factory.django.DjangoModelFactory):
    """Pass `clinic`, `patient` and `customer` (or use `make_saved_card`)."""

    class Meta:
        model = SavedCard

    payment_method_id = factory.Sequence(lambda n: f"pm_card_visa_{n:05d}")
    brand = "visa"
    last4 = "4242"
    exp_month = 12
    exp_year = 2030
    consent_text = CONSENT
    consented_at = factory.LazyFunction(timezone.now)


URL_KWARG_BUILDERS_STRIPE: dict[str, Callable[[Clinic], object]] = {
    "card_id": lambda clinic: make_saved_card(clinic).pk,
}
