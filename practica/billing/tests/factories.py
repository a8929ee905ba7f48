"""Factories for billing tests, and the rows billing reads from scheduling and
charting (built here with factory_boy so these tests stand on their own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import factory

from practica.billing.models import Invoice, Payment
from practica.billing.services import create_invoice_for_appointment, record_payment
from practica.charting.models import ClinicalNote, NoteTemplate
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AppointmentType, Provider
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import ALL_PERMISSIONS, PROVIDER
from practica.tenancy.tests.factories import LocationFactory, make_member

BASE_START = dt.datetime(2025, 3, 3, 14, 0, tzinfo=dt.UTC)


def main_location(clinic: Clinic) -> Location:
    location = Location.objects.filter(clinic=clinic).order_by("pk").first()
    return location if location is not None else LocationFactory(clinic=clinic)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Patient{n}")
    first_name_key = factory.LazyAttribute(lambda o: o.first_name.lower())
    last_name_key = factory.LazyAttribute(lambda o: o.last_name.lower())
    date_of_birth = dt.date(1980, 1, 1)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    membership = factory.LazyAttribute(lambda o: make_member(o.clinic, [PROVIDER]))
    display_name = factory.Sequence(lambda n: f"Provider {n}")
    modality = "physiotherapy"


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    name = factory.Sequence(lambda n: f"Treatment {n}")
    modality = "physiotherapy"
    duration_minutes = 30
    price = Decimal("100.00")
    service_code = factory.Sequence(lambda n: f"PT{n:03d}")
    is_taxable = False


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    location = factory.LazyAttribute(lambda o: main_location(o.clinic))
    provider = factory.LazyAttribute(lambda o: ProviderFactory(clinic=o.clinic))
    patient = factory.LazyAttribute(lambda o: PatientFactory(clinic=o.clinic))
    appointment_type = factory.LazyAttribute(
        lambda o: AppointmentTypeFactory(clinic=o.clinic)
    )
    start_at = factory.Sequence(lambda n: BASE_START + dt.timedelta(hours=n))
    end_at = factory.LazyAttribute(lambda o: o.start_at + dt.timedelta(minutes=30))
    status = Appointment.Status.COMPLETED


class NoteTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteTemplate

    key = factory.Sequence(lambda n: f"soap-{n}")
    name = "SOAP"
    modality = "physiotherapy"
    fields = factory.LazyFunction(
        lambda: [{"name": "s", "label": "Subjective", "section": "S", "type": "text"}]
    )


class ClinicalNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalNote

    appointment = factory.LazyAttribute(lambda o: AppointmentFactory(clinic=o.clinic))
    patient = factory.LazyAttribute(lambda o: o.appointment.patient)
    provider = factory.LazyAttribute(lambda o: o.appointment.provider)
    template = factory.LazyAttribute(lambda o: NoteTemplateFactory(clinic=o.clinic))
    content = factory.LazyFunction(lambda: {"s": "Synthetic note text"})
    status = ClinicalNote.Status.SIGNED
    signed_at = factory.LazyFunction(lambda: BASE_START + dt.timedelta(days=1))


def system_actor_for(clinic: Clinic) -> Actor:
    return Actor.system(clinic, frozenset(ALL_PERMISSIONS))


def make_invoice(
    clinic: Clinic,
    *,
    price: Decimal = Decimal("100.00"),
    is_taxable: bool = False,
    patient: Patient | None = None,
) -> Invoice:
    """An issued invoice for a new completed appointment, made by the service."""
    extra = {"patient": patient} if patient is not None else {}
    appointment = AppointmentFactory(
        clinic=clinic,
        appointment_type=AppointmentTypeFactory(
            clinic=clinic, price=price, is_taxable=is_taxable
        ),
        **extra,
    )
    return create_invoice_for_appointment(
        actor=system_actor_for(clinic), appointment=appointment
    )


def make_payment(
    clinic: Clinic,
    *,
    amount: Decimal = Decimal("40.00"),
    invoice: Invoice | None = None,
) -> Payment:
    target = invoice if invoice is not None else make_invoice(clinic)
    return record_payment(
        actor=system_actor_for(clinic),
        invoice=target,
        method=Payment.Method.CASH,
        amount=amount,
    )


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "invoice_id": lambda clinic: make_invoice(clinic).pk,
    "payment_id": lambda clinic: make_payment(clinic).pk,
    "appointment_id": lambda clinic: AppointmentFactory(clinic=clinic).pk,
    "note_id": lambda clinic: ClinicalNoteFactory(clinic=clinic).pk,
}
