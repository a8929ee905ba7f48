"""The synthetic clinic: reproducible, never double-booked, money reconciled."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from pytest_django import DjangoDbBlocker

from practica.billing.models import Invoice, InvoiceCounter, LedgerEntry, Payment
from practica.charting.models import ClinicalNote
from practica.demo.generator import ClinicSpec, GeneratedClinic, generate_clinic
from practica.demo.management.commands.load_demo import Command as LoadDemo
from practica.patients.models import Patient, PatientSearchKey
from practica.scheduling.models import Appointment
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

# A Wednesday afternoon in Toronto (20:00 UTC = 15:00 EST).
NOW = datetime.datetime(2026, 11, 25, 20, 0, tzinfo=datetime.UTC)


def small_spec(slug: str, seed: int = 7) -> ClinicSpec:
    return ClinicSpec(
        name=f"Synthetic {slug}",
        slug=slug,
        email_domain=f"{slug}.example",
        patients=60,
        providers=6,
        days_back=21,
        days_ahead=7,
        seed=seed,
        now=NOW,
    )


@pytest.fixture(scope="module")
def generated(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[GeneratedClinic]:
    """One clinic shared by the read-only tests of this module, rolled back at
    the end (generation is the slow part)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_clinic(small_spec("one"))
        transaction.set_rollback(True)


def patient_names(clinic: Clinic) -> list[tuple[str, str, datetime.date]]:
    return list(
        Patient.objects.for_clinic(clinic)
        .order_by("created_at", "last_name", "first_name")
        .values_list("first_name", "last_name", "date_of_birth")
    )


def test_same_seed_gives_the_same_clinic(generated: GeneratedClinic) -> None:
    # given a second clinic from the same seed
    again = generate_clinic(small_spec("two"))

    # then
    assert patient_names(again.clinic) == patient_names(generated.clinic)
    assert again.counts == generated.counts


def test_another_seed_gives_other_patients(generated: GeneratedClinic) -> None:
    other = generate_clinic(small_spec("three", seed=8))

    assert patient_names(other.clinic) != patient_names(generated.clinic)


def test_counts_match_the_rows(generated: GeneratedClinic) -> None:
    clinic = generated.clinic
    counts = generated.counts

    assert counts["patients"] == 60
    assert Patient.objects.for_clinic(clinic).count() == 60
    assert (
        PatientSearchKey.objects.filter(clinic_id=clinic.pk).count()
        == (counts["search_keys"])
    )
    assert Appointment.objects.for_clinic(clinic).count() == counts["appointments"]
    assert Invoice.objects.for_clinic(clinic).count() == counts["invoices"]
    assert counts["appointments"] > 200


def test_no_provider_has_overlapping_active_appointments(
    generated: GeneratedClinic,
) -> None:
    active = (
        Appointment.objects.for_clinic(generated.clinic)
        .exclude(status__in=Appointment.RELEASING)
        .order_by("provider_id", "start_at")
        .values_list("provider_id", "start_at", "end_at")
    )
    by_provider: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = (
        defaultdict(list)
    )
    for provider_id, start, end in active:
        by_provider[provider_id].append((start, end))

    overlaps = [
        (provider_id, later[0])
        for provider_id, spans in by_provider.items()
        for earlier, later in itertools.pairwise(spans)
        if later[0] < earlier[1]
    ]
    assert overlaps == []
    assert len(by_provider) == 6


def test_every_invoice_reconciles_with_its_ledger(generated: GeneratedClinic) -> None:
    clinic = generated.clinic
    ledger = dict(
        LedgerEntry.objects.for_clinic(clinic)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )
    paid = dict(
        Payment.objects.for_clinic(clinic)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )
    mismatches = []
    for invoice in Invoice.objects.for_clinic(clinic).prefetch_related("lines"):
        payments = paid.get(invoice.pk, Decimal("0.00"))
        line_total = sum(line.line_total for line in invoice.lines.all())
        expected_status = Invoice.Status.PAID if payments else Invoice.Status.ISSUED
        if (
            ledger[invoice.pk] != invoice.total - payments
            or line_total != invoice.total
            or invoice.subtotal + invoice.tax_total != invoice.total
            or invoice.status != expected_status
        ):
            mismatches.append(invoice.number)
    assert mismatches == []
    assert generated.counts["unpaid_invoices"] > 0


def test_invoices_are_numbered_in_visit_order(generated: GeneratedClinic) -> None:
    clinic = generated.clinic
    numbers = list(
        Invoice.objects.for_clinic(clinic)
        .order_by("appointment__start_at", "appointment__provider_id")
        .values_list("number", flat=True)
    )

    assert numbers == list(range(1, len(numbers) + 1))
    assert InvoiceCounter.objects.get(clinic=clinic).last_number == len(numbers)


def test_completed_visits_have_signed_notes(generated: GeneratedClinic) -> None:
    clinic = generated.clinic
    completed = Appointment.objects.for_clinic(clinic).filter(
        status=Appointment.Status.COMPLETED
    )
    notes = ClinicalNote.objects.for_clinic(clinic)

    assert notes.count() == completed.count()
    assert notes.exclude(status=ClinicalNote.Status.SIGNED).count() == 0
    assert notes.filter(content={}).count() == 0
    assert (
        Appointment.objects.for_clinic(clinic)
        .filter(start_at__gt=NOW + datetime.timedelta(minutes=15))
        .exclude(status__in=[Appointment.Status.BOOKED, Appointment.Status.CANCELLED])
        .count()
        == 0
    )


def test_history_keeps_the_time_it_happened(generated: GeneratedClinic) -> None:
    oldest_note = ClinicalNote.objects.for_clinic(generated.clinic).order_by(
        "created_at"
    )[0]

    assert oldest_note.created_at < NOW - datetime.timedelta(days=14)


def test_load_demo_twice_adds_nothing(db: None) -> None:
    # given the demo loaded once
    call_command(LoadDemo(), patients=40, days_back=5, days_ahead=3)
    before = (
        Clinic.objects.count(),
        Membership.objects.count(),
        Patient.objects.count(),
        Appointment.objects.count(),
        Invoice.objects.count(),
    )

    # when it is loaded again
    call_command(LoadDemo(), patients=40, days_back=5, days_ahead=3)

    # then
    after = (
        Clinic.objects.count(),
        Membership.objects.count(),
        Patient.objects.count(),
        Appointment.objects.count(),
        Invoice.objects.count(),
    )
    assert after == before
    demo = Clinic.objects.get(slug="maple-physio")
    assert Membership.objects.for_clinic(demo).count() == 9
    assert Patient.objects.for_clinic(demo).count() == 40
