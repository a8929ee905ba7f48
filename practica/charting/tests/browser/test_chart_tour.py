"""A provider walks every page of a demo patient's chart in a real browser:
summary, outcome measures, treatment plans, documents, lab results and a
trend, forms, search and the record export, then adds an allergy and sees the
banner redraw without a reload. Every page must answer 200 and the Content
Security Policy must refuse nothing. Screenshots go to
test-artifacts/chart/."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import Browser, Page, expect

from practica.core.tests.browser.conftest import ARTIFACTS
from practica.demo.chart import seed_chart
from practica.demo.generator import DEMO_PASSWORD, ClinicSpec, generate_clinic
from practica.demo.scheduling import seed_scheduling
from practica.labs.models import LabResult
from practica.plans.models import TreatmentPlan

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


def test_a_provider_walks_every_page_of_a_demo_chart(
    browser: Browser, live_server: object
) -> None:
    # given a small demo clinic with every chart seed
    today = dt.datetime.now(TORONTO).date()
    clinic = generate_clinic(
        ClinicSpec(
            name="Tour Clinic",
            slug="tour-clinic",
            email_domain="tour.example",
            patients=60,
            providers=5,
            days_back=120,
            days_ahead=14,
        )
    ).clinic
    seed_scheduling(clinic, today=today)
    seed_chart(clinic, today=today)
    lab = LabResult.objects.filter(clinic=clinic).order_by("created_at").first()
    plan = TreatmentPlan.objects.filter(clinic=clinic).order_by("created_at").first()
    assert lab is not None
    assert plan is not None
    patient_id = lab.patient_id
    folder = ARTIFACTS / "chart"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    page = _log_in(
        browser, str(live_server), plan.provider.membership.user.email, problems
    )
    # when the provider opens each page of the chart
    pages = [
        ("summary", f"/charting/patients/{patient_id}/chart/", "Chart:"),
        ("outcomes", f"/outcomes/patients/{patient_id}/", "Outcome measures"),
        ("plans", f"/plans/patients/{plan.patient_id}/", "Treatment plans"),
        ("plan", f"/plans/{plan.pk}/", plan.title),
        ("documents", f"/documents/patients/{patient_id}/", "Documents"),
        ("labs", f"/labs/patients/{patient_id}/labs/", "Lab results"),
        (
            "lab-trend",
            f"/labs/patients/{patient_id}/labs/{lab.loinc_code}/",
            lab.test_name,
        ),
        ("forms", f"/forms/patients/{patient_id}/", "Forms"),
        ("search", f"/search/patients/{patient_id}/?q=pain", "Search"),
        ("export", f"/reports/patients/{patient_id}/export/", "Export"),
        ("my-notes", "/charting/notes/unsigned/", "unsigned"),
    ]
    for name, path, heading in pages:
        response = page.goto(path)
        # then each answers and shows its heading
        assert response is not None
        assert response.status == 200, (name, path)
        expect(page.locator("h1")).to_contain_text(heading, ignore_case=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    # and an allergy added on the summary shows in the banner without a reload
    page.goto(f"/charting/patients/{patient_id}/chart/")
    page.get_by_text("Add an allergy").click()
    add = page.locator("details.chart-add[open] form")
    add.get_by_label("Substance").fill("Chlorhexidine")
    add.get_by_label("Reaction").fill("Itching")
    add.get_by_label("Severity").select_option("moderate")
    add.get_by_role("button", name="Save").click()
    expect(page.locator("#chart-banner")).to_contain_text("Chlorhexidine")
    page.screenshot(path=str(folder / "allergy-added.png"), full_page=True)
    assert problems == []
