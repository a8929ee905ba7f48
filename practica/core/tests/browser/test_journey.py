"""One patient's whole journey in a real browser, as the front desk and a provider:
find or register → book → check in → chart a SOAP note → sign → invoice in one
click → take a payment → see it all on the timeline. A screenshot of each step
is saved under test-artifacts/journey/."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from practica.billing.models import Invoice, LedgerEntry, Payment
from practica.charting.models import ClinicalNote
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, Modality
from practica.scheduling.services import (
    create_appointment_type,
    ensure_provider,
    set_working_hours,
)
from practica.tenancy.models import Location
from practica.tenancy.tests.factories import TEST_PASSWORD, make_clinic, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


# Every message the pages log to the console that the CSP refused something.
CSP_REFUSALS: list[str] = []


def _log_in(browser: Browser, base_url: str, email: str) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    page.on(
        "console",
        lambda message: (
            CSP_REFUSALS.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def test_front_desk_and_provider_walk_a_patients_journey(
    browser: Browser, live_server: object, artifacts: Path
) -> None:
    # given a clinic with a physiotherapist working every day, 08:00-20:00
    clinic = make_clinic("Lakeside Physio")
    location = Location.objects.get(clinic=clinic)
    # The desk person also holds the billing role, as in many small clinics:
    # the front desk role alone sees balances, not invoices.
    make_member(clinic, ["front_desk", "billing"], email="desk@lakeside.test")
    physio = make_member(clinic, ["provider"], email="physio@lakeside.test")
    provider = ensure_provider(
        clinic=clinic,
        membership=physio,
        display_name="Sam Rivera",
        modality=Modality.PHYSIOTHERAPY,
        colour="#2a7ab0",
    )
    for weekday in range(7):
        set_working_hours(
            clinic=clinic,
            provider=provider,
            location=location,
            weekday=weekday,
            blocks=[(dt.time(8), dt.time(20))],
        )
    create_appointment_type(
        clinic=clinic,
        name="Physiotherapy follow-up",
        modality=Modality.PHYSIOTHERAPY,
        duration_minutes=30,
        price=Decimal("90.00"),
    )
    base_url = str(live_server)
    tomorrow = dt.datetime.now(TORONTO).date() + dt.timedelta(days=1)

    # the front desk logs in and finds no such patient yet
    desk_page = _log_in(browser, base_url, "desk@lakeside.test")
    _shot(desk_page, artifacts, "01-front-desk-schedule")
    desk_page.goto("/patients/")
    desk_page.get_by_label("Search by name, phone, email or date of birth").fill(
        "Jonh Smtih"
    )
    expect(desk_page.locator("#results")).not_to_contain_text("Smith, John")

    # registers the patient
    desk_page.goto("/patients/create/")
    desk_page.locator("#id_first_name").fill("John")
    desk_page.locator("#id_last_name").fill("Smith")
    desk_page.locator("#id_date_of_birth").fill("1984-03-09")
    desk_page.locator("#id_phone").fill("416 555 0142")
    desk_page.locator("#id_email").fill("john.smith@example.com")
    _shot(desk_page, artifacts, "02-register-patient")
    desk_page.get_by_role("button", name="Register patient").click()
    expect(desk_page.get_by_role("heading", level=1)).to_contain_text("John Smith")
    patient = Patient.objects.get(clinic=clinic)
    assert patient.phone == "+14165550142"

    # a typo still finds him
    desk_page.goto("/patients/")
    desk_page.get_by_label("Search by name, phone, email or date of birth").fill(
        "Jonh Smtih"
    )
    expect(desk_page.locator("#results")).to_contain_text("Smith, John")
    _shot(desk_page, artifacts, "03-typo-tolerant-search")

    # books tomorrow at 10:00 from the patient's page
    desk_page.goto(f"/patients/{patient.pk}/")
    desk_page.get_by_role("link", name="Book appointment").click()
    desk_page.locator("#id_provider").select_option(label="Sam Rivera")
    # the clinic's only location is already chosen
    expect(desk_page.locator("#id_location option:checked")).to_have_text("Main")
    type_option = desk_page.locator("#id_appointment_type option", has_text="follow-up")
    desk_page.locator("#id_appointment_type").select_option(
        value=type_option.get_attribute("value")
    )
    desk_page.locator("#id_date").fill(tomorrow.isoformat())
    desk_page.locator("#id_start_time").fill("10:00")
    _shot(desk_page, artifacts, "04-book-appointment")
    desk_page.get_by_role("button", name="Book appointment").click()
    expect(desk_page.locator("body")).to_contain_text("Booked")
    appointment = Appointment.objects.get(clinic=clinic)
    assert appointment.start_at.astimezone(TORONTO).time() == dt.time(10)

    # the calendar shows it
    desk_page.goto(f"/schedule/?date={tomorrow.isoformat()}&view=day")
    expect(desk_page.locator("body")).to_contain_text("John Smith")
    _shot(desk_page, artifacts, "05-calendar-day")

    # checks the patient in
    desk_page.goto(f"/schedule/appointments/{appointment.pk}/")
    desk_page.get_by_role("button", name="Arrived", exact=True).click()
    expect(desk_page.locator(".badge.status-arrived")).to_have_text("Arrived")
    expect(desk_page.locator("#status-history + table")).to_contain_text(
        "Booked → Arrived"
    )
    _shot(desk_page, artifacts, "06-checked-in")
    # front desk cannot open clinical notes
    assert desk_page.get_by_role("button", name="Treatment note").count() == 0

    # the provider charts a SOAP note and signs it
    physio_page = _log_in(browser, base_url, "physio@lakeside.test")
    physio_page.goto(f"/schedule/appointments/{appointment.pk}/")
    physio_page.get_by_role("button", name="Treatment note").click()
    physio_page.get_by_label(re.compile("^Chief complaint")).fill(
        "Right knee pain on stairs"
    )
    physio_page.get_by_label(re.compile("^Clinical impression")).fill(
        "Patellofemoral pain syndrome"
    )
    physio_page.get_by_label(re.compile("^Treatment provided")).fill(
        "Manual therapy; quadriceps strengthening"
    )
    physio_page.get_by_role("button", name="Save draft").click()
    expect(physio_page.locator("#note-status")).to_contain_text("Saved")
    _shot(physio_page, artifacts, "07-soap-note-draft")
    physio_page.once("dialog", lambda dialog: dialog.accept())
    physio_page.get_by_role("button", name="Sign note").click()
    expect(physio_page.locator("body")).to_contain_text("Signed")
    _shot(physio_page, artifacts, "08-note-signed")
    note = ClinicalNote.objects.get(clinic=clinic)
    assert note.status == ClinicalNote.Status.SIGNED
    assert note.content["chief_complaint"] == "Right knee pain on stairs"

    # the front desk invoices the visit in one click and takes the payment
    desk_page.goto(f"/schedule/appointments/{appointment.pk}/")
    expect(desk_page.locator("body")).to_contain_text("Completed")
    desk_page.get_by_role("button", name="Create invoice").click()
    expect(desk_page.get_by_role("heading", level=1)).to_contain_text("Invoice")
    _shot(desk_page, artifacts, "09-invoice")
    desk_page.locator("#id_method").select_option(label="Card (in person)")
    desk_page.get_by_role("button", name="Record payment").click()
    expect(desk_page.locator("body")).to_contain_text("Paid")
    _shot(desk_page, artifacts, "10-paid")
    invoice = Invoice.objects.get(clinic=clinic)
    assert (invoice.number, invoice.total, invoice.status) == (
        1,
        Decimal("90.00"),
        Invoice.Status.PAID,
    )
    assert Payment.objects.get(invoice=invoice).amount == Decimal("90.00")
    assert sum(e.amount for e in LedgerEntry.objects.filter(invoice=invoice)) == 0

    # the receipt downloads as a PDF
    href = desk_page.get_by_role("link", name="Receipt PDF").get_attribute("href")
    receipt = desk_page.context.request.get(f"{base_url}{href}")
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
    (artifacts / "receipt.pdf").write_bytes(receipt.body())

    # the timeline shows the whole journey, in order, each linking to its record
    physio_page.goto(f"/patients/{patient.pk}/")
    timeline = physio_page.locator("#timeline")
    expect(timeline).to_contain_text("Physiotherapy follow-up")
    expect(timeline).to_contain_text("Physiotherapy initial assessment (SOAP)")
    _shot(physio_page, artifacts, "11-provider-timeline")
    desk_page.goto(f"/patients/{patient.pk}/")
    desk_timeline = desk_page.locator("#timeline")
    expect(desk_timeline).to_contain_text("Invoice #1")
    expect(desk_timeline).to_contain_text("Payment (Card (in person))")
    expect(desk_timeline).not_to_contain_text("SOAP")
    _shot(desk_page, artifacts, "12-front-desk-timeline")

    # and no page had anything refused by the Content-Security-Policy
    assert CSP_REFUSALS == []
