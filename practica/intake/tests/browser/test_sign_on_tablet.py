"""A patient signs a consent on a tablet-sized touch screen: the signature is
drawn with mouse moves on the canvas, submitted, and stored as a PNG."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from practica.intake.models import FormSubmission
from practica.intake.signatures import validate_signature_png
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.tests.factories import TEST_PASSWORD, make_clinic, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_draws_a_signature_and_the_consent_is_stored(
    browser: Browser, live_server: object
) -> None:
    # given a front desk member and a patient
    clinic = make_clinic("Harbour Physio")
    make_member(clinic, ["front_desk"], email="desk@harbour.test")
    patient = PatientFactory(clinic=clinic)
    context = browser.new_context(
        base_url=str(live_server), viewport={"width": 1024, "height": 1366}
    )
    refusals: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            refusals.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("desk@harbour.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    # when the desk opens the consent and the patient answers and signs
    page.goto(f"/forms/patients/{patient.pk}/")
    page.get_by_role("link", name="Consent to assessment and treatment").click()
    page.get_by_label(
        "I have read and understood this consent and agree to it."
    ).check()
    page.get_by_label("Name of the person signing").fill("Pat Example")
    page.get_by_label("Self").check()
    canvas = page.locator("[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(30):
        page.mouse.move(x + step * 12, y + (20 if step % 2 else -20), steps=4)
    page.mouse.up()
    page.get_by_role("button", name="Sign and submit").click()
    page.wait_for_load_state()
    # then the patient is asked to hand the device back, and the consent is kept
    assert "hand the device back" in page.content()
    submission = FormSubmission.objects.get(patient=patient)
    assert submission.signer_name == "Pat Example"
    assert validate_signature_png(bytes(submission.signature_png))
    assert refusals == []
