import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.billing.selectors_ar import aging_rows, clinic_today, get_ar_aging
from practica.billing.tests.factories import make_invoice, make_payment
from practica.billing.tests.factories_receivables import make_dated_invoice
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import BILLING, PROVIDER
from practica.tenancy.tests.factories import make_member, system_actor_for


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "current"),
        (30, "current"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "over_90"),
    ],
)
def test_aging_puts_an_invoice_in_the_bucket_of_its_age(
    clinic: Clinic, days: int, bucket: str
) -> None:
    # given an invoice issued `days` ago with no due date
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=days))
    # when
    rows = list(aging_rows(actor=actor, as_of=today))
    # then its whole balance is in that bucket alone
    assert len(rows) == 1
    amounts = {
        name: rows[0][name]  # type: ignore[literal-required]
        for name in ("current", "days_31_60", "days_61_90", "over_90")
    }
    assert amounts == {
        name: Decimal("100.00") if name == bucket else Decimal("0.00")
        for name in amounts
    }
    assert rows[0]["open_total"] == Decimal("100.00")


def test_aging_counts_from_the_due_date_when_there_is_one(clinic: Clinic) -> None:
    # given an invoice issued 100 days ago but due 20 days ago
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    make_dated_invoice(
        clinic,
        issued_on=today - dt.timedelta(days=100),
        due_on=today - dt.timedelta(days=20),
    )
    # when
    row = aging_rows(actor=actor, as_of=today).get()
    # then it is current
    assert row["current"] == Decimal("100.00")
    assert row["over_90"] == Decimal("0.00")


def test_aging_sums_a_patients_invoices_less_payments(clinic: Clinic) -> None:
    # given one patient with two invoices of different ages, one paid in part
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    patient = PatientFactory(clinic=clinic)
    old = make_dated_invoice(
        clinic, patient=patient, issued_on=today - dt.timedelta(days=45)
    )
    make_dated_invoice(clinic, patient=patient, issued_on=today, price=Decimal("80"))
    make_payment(clinic, invoice=old, amount=Decimal("30.00"))
    # when
    row = aging_rows(actor=actor, as_of=today).get()
    # then one row for the patient
    assert row["patient_id"] == patient.pk
    assert row["current"] == Decimal("80.00")
    assert row["days_31_60"] == Decimal("70.00")
    assert row["open_total"] == Decimal("150.00")
    assert row["credit"] == Decimal("0.00")


def test_aging_leaves_out_paid_invoices_and_other_clinics(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    # given a paid invoice here and an open one elsewhere
    paid = make_invoice(clinic)
    make_payment(clinic, invoice=paid, amount=Decimal("100.00"))
    make_invoice(other_clinic)
    actor = system_actor_for(clinic)
    # when
    rows = list(aging_rows(actor=actor, as_of=clinic_today(actor)))
    # then nothing shows
    assert rows == []


def test_aging_as_of_an_earlier_date_counts_payments_made_by_then(
    clinic: Clinic,
) -> None:
    # given an invoice issued 40 days ago, posted three days ago, paid today
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        invoice = make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=40))
    make_payment(clinic, invoice=invoice, amount=Decimal("100.00"))
    # when the aging is read as of yesterday
    rows = list(aging_rows(actor=actor, as_of=today - dt.timedelta(days=1)))
    # then the payment had not been made: the invoice was 39 days old
    assert len(rows) == 1
    assert rows[0]["days_31_60"] == Decimal("100.00")


def test_aging_report_totals_and_sorts(clinic: Clinic) -> None:
    # given three patients owing different amounts
    actor = system_actor_for(clinic)
    today = clinic_today(actor)
    for days, price in [(5, "10.00"), (70, "300.00"), (100, "20.00")]:
        make_dated_invoice(
            clinic, issued_on=today - dt.timedelta(days=days), price=Decimal(price)
        )
    # when sorted by the total
    report = get_ar_aging(actor=actor, as_of=None, sort="total", page=1)
    # then
    assert [r["open_total"] for r in report.page] == [
        Decimal("300.00"),
        Decimal("20.00"),
        Decimal("10.00"),
    ]
    assert report.totals.patients == 3
    assert report.totals.current == Decimal("10.00")
    assert report.totals.days_61_90 == Decimal("300.00")
    assert report.totals.over_90 == Decimal("20.00")
    assert report.totals.open_total == Decimal("330.00")
    assert report.as_of == today


def test_aging_ignores_an_unknown_sort(clinic: Clinic) -> None:
    make_invoice(clinic)
    report = get_ar_aging(
        actor=system_actor_for(clinic), as_of=None, sort="1; DROP", page=1
    )
    assert report.sort == "total"
    assert len(report.page) == 1


def _aging_page(client: Client) -> None:
    response = client.get(reverse("billing:ar-aging"), {"sort": "name"})
    assert response.status_code == 200


def test_aging_page_query_count_does_not_grow_with_the_data(
    clinic: Clinic, client_for, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given a billing clerk and one overdue invoice
    client = client_for(make_member(clinic, [BILLING]))
    today = clinic_today(system_actor_for(clinic))
    make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=95))
    client.get(reverse("billing:ar-aging"))
    with django_assert_num_queries(8) as small:
        _aging_page(client)
    # when ten more patients owe money in every bucket
    for days in (0, 35, 65, 95, 120, 1, 40, 70, 200, 3):
        make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=days))
    # then the page reads the same number of queries
    with django_assert_num_queries(len(small.captured_queries)):
        _aging_page(client)


def test_aging_page_shows_rows_and_totals(clinic: Clinic, client_for) -> None:
    client = client_for(make_member(clinic, [BILLING]))
    invoice = make_invoice(clinic, price=Decimal("1250.00"))
    response = client.get(reverse("billing:ar-aging"))
    body = response.content.decode()
    assert response.status_code == 200
    assert invoice.patient.last_name in body
    assert "$1,250.00" in body


def test_aging_page_is_refused_to_a_provider(clinic: Clinic, client_for) -> None:
    client = client_for(make_member(clinic, [PROVIDER]))
    assert client.get(reverse("billing:ar-aging")).status_code == 403


def test_aging_page_refuses_a_bad_date_quietly(clinic: Clinic, client_for) -> None:
    client = client_for(make_member(clinic, [BILLING]))
    response = client.get(reverse("billing:ar-aging"), {"as_of": "not-a-date"})
    assert response.status_code == 200
    assert response.context["report"].as_of == clinic_today(system_actor_for(clinic))


def test_aging_csv_lists_every_patient_and_is_audited(
    clinic: Clinic, client_for
) -> None:
    # given two patients owing
    member = make_member(clinic, [BILLING])
    client = client_for(member)
    today = clinic_today(system_actor_for(clinic))
    first = make_dated_invoice(clinic, issued_on=today - dt.timedelta(days=65))
    make_invoice(clinic, price=Decimal("12.50"))
    # when the CSV is downloaded
    response = client.get(reverse("billing:ar-aging-csv"), {"sort": "total"})
    # then a row per patient, largest first, and an audit entry
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "patient_id",
        "last_name",
        "first_name",
        "current",
        "days_31_60",
        "days_61_90",
        "over_90",
        "total",
        "credit",
    ]
    assert rows[1][0] == str(first.patient_id)
    assert rows[1][3:] == ["0.00", "0.00", "100.00", "0.00", "100.00", "0.00"]
    assert rows[2][3:] == ["12.50", "0.00", "0.00", "0.00", "12.50", "0.00"]
    entry = AuditEntry.objects.filter(
        clinic_id=clinic.pk, action="view", user_id=member.user.pk
    ).latest("seq")
    assert entry.detail == f"ar_aging_csv as_of={today.isoformat()} rows=2"
