"""A billing clerk runs a demo clinic's money in a real browser: every
billing page answers, then on an open invoice the clerk takes more than the
balance (the rest kept as account credit), credits part of the invoice, and
refunds part of the payment, reading each result on the page. The Content
Security Policy must refuse nothing. Screenshots go to test-artifacts/billing/."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from practica.billing.models import CreditNote, Invoice, Refund
from practica.billing.selectors import account_credit, invoice_balance
from practica.core.tests.browser.conftest import ARTIFACTS
from practica.demo.billing import seed_billing
from practica.demo.chart import seed_chart
from practica.demo.generator import DEMO_PASSWORD, ClinicSpec, generate_clinic
from practica.demo.scheduling import seed_scheduling
from practica.tenancy.models import Membership
from practica.tenancy.tests.factories import system_actor_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def _log_in(browser: Browser, base_url: str, email: str, problems: list[str]) -> Page:
    page = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}
    ).new_page()
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: {m.text}")
            if m.type == "error" or "Content Security Policy" in m.text
            else None
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def test_a_billing_clerk_runs_the_money_of_a_demo_clinic(
    browser: Browser, live_server: object
) -> None:
    # given a small demo clinic with its billing seeded
    today = dt.datetime.now(TORONTO).date()
    clinic = generate_clinic(
        ClinicSpec(
            name="Till Clinic",
            slug="till-clinic",
            email_domain="till.example",
            patients=60,
            providers=5,
            days_back=120,
            days_ahead=14,
        )
    ).clinic
    seed_scheduling(clinic, today=today)
    seed_chart(clinic, today=today)
    seed_billing(clinic, today=today)
    clerk = Membership.objects.get(clinic=clinic, roles__key="billing")
    invoice = (
        Invoice.objects.filter(clinic=clinic, status=Invoice.Status.ISSUED)
        .exclude(total=0)
        .order_by("-number")
        .first()
    )
    assert invoice is not None
    actor = system_actor_for(clinic)
    balance = invoice_balance(actor=actor, invoice=invoice)
    credit_before = account_credit(actor=actor, patient=invoice.patient)
    folder = ARTIFACTS / "billing"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    page = _log_in(browser, str(live_server), clerk.user.email, problems)
    # when the clerk opens each billing page
    pages = [
        ("invoices", "/billing/", "Invoices"),
        ("ar-aging", "/billing/ar/", "aging"),
        ("batch", "/billing/batch/", "Batch"),
        ("catalogue", "/billing/catalogue/", "Catalogue"),
        ("plans", "/billing/benefits/plans/", "Packages"),
        ("close", "/billing/close/", "Daily close"),
        ("revenue", "/billing/revenue/", "revenue"),
        ("collections", "/billing/collections/", "Collections"),
        ("write-offs", "/billing/write-offs/", "Write-offs"),
        ("account", f"/billing/patients/{invoice.patient_id}/", "Billing account"),
    ]
    for name, path, heading in pages:
        response = page.goto(path)
        # then each answers and shows its heading
        assert response is not None
        assert response.status == 200, (name, path)
        expect(page.locator("h1")).to_contain_text(heading, ignore_case=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    # when 10.00 more than the balance is paid in cash, kept as credit
    page.goto(f"/billing/invoices/{invoice.pk}/")
    payment_form = page.locator("form[action$='/payments/']")
    payment_form.get_by_label("Method").select_option("cash")
    payment_form.get_by_label("Amount").fill(str(balance + Decimal("10.00")))
    payment_form.get_by_label("Keep anything above the balance").check()
    payment_form.get_by_role("button", name="Record payment").click()
    # then the invoice is paid and shows a zero balance
    expect(page.locator("[data-balance]")).to_have_text("$0.00")
    expect(page.locator(".badge").first).to_contain_text("Paid")
    page.screenshot(path=str(folder / "paid.png"), full_page=True)

    # when 5.00 of its first line is credited
    credit_form = page.locator("form[action$='/credit-notes/']")
    first_line = invoice.lines.order_by("pk").first()
    assert first_line is not None
    credit_form.get_by_label("Line").select_option(str(first_line.pk))
    credit_form.get_by_label("Amount before tax").fill("5.00")
    credit_form.get_by_label("Reason for the credit").fill("Shorter visit")
    credit_form.get_by_role("button", name="Issue credit note").click()
    # then the credit note is listed on the invoice
    expect(page.locator("#credit-notes")).to_be_visible()
    note = CreditNote.objects.get(invoice=invoice)
    page.screenshot(path=str(folder / "credited.png"), full_page=True)

    # when the payment's page refunds 3.00 in cash
    page.locator("a[href^='/billing/payments/']").first.click()
    refund_form = page.locator("form[action$='/refund/']")
    refund_form.get_by_label("Money goes back by").select_option("cash")
    refund_form.get_by_label("Amount").fill("3.00")
    refund_form.get_by_label("Reason for the refund").fill("Change owed")
    refund_form.get_by_role("button", name="Record refund").click()
    # then the page shows it, and the ledger agrees with every figure shown
    expect(page.locator("[data-refunded]")).to_have_text("$3.00")
    page.screenshot(path=str(folder / "refunded.png"), full_page=True)
    refund = Refund.objects.get(payment__invoice=invoice)
    assert refund.amount == Decimal("3.00")
    assert invoice_balance(actor=actor, invoice=invoice) == Decimal("0.00")
    assert account_credit(actor=actor, patient=invoice.patient) == (
        credit_before + Decimal("10.00") + note.total - Decimal("3.00")
    )
    assert problems == []
