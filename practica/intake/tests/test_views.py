"""The intake pages: the tablet fill page (HTML checked without a browser),
the hand-back page, the patient's forms, a submission, its PDF, deciding a
proposed entry, and the form builder."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.charting.models import Allergy
from practica.intake.models import FormDefinition, FormSubmission
from practica.intake.shipped_forms import AGREE
from practica.intake.tests.factories import FormSubmissionFactory, make_signature
from practica.intake.tests.helpers import data_url
from practica.patients.models import Patient
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
CONSENT = "consent-assessment-treatment"


def _fill_url(patient: Patient, key: str = CONSENT) -> str:
    return reverse(
        "intake:form-fill", kwargs={"patient_id": patient.pk, "form_key": key}
    )


def _consent_post(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "version": "1",
        "f-agreement": [AGREE],
        "signer_name": "Alex Example",
        "signer_relationship": "self",
        "signature": data_url(make_signature()),
    }
    data.update(overrides)
    return data


def test_the_tablet_page_is_a_clean_touch_page_with_a_signature_pad(
    client_for: ClientFor, front_desk_member: Membership, patient: Patient
) -> None:
    # when the front desk opens the consent for the patient
    response = client_for(front_desk_member).get(_fill_url(patient))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="tablet"' in html
    assert "<canvas" in html
    assert "data-signature-canvas" in html
    assert 'name="signature"' in html
    assert "vendor/signature_pad/signature_pad.umd.min.js" in html
    assert "intake/fill.js" in html
    # no inline script or style, no application menu on the patient's screen
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert 'class="topbar"' not in html
    assert "Consent to assessment and treatment" in html
    assert "You may refuse or stop any part" in html
    assert AuditEntry.objects.filter(action="view", patient_id=patient.pk).count() == 1


def test_front_desk_submits_a_signed_consent_and_sees_only_that_it_was_signed(
    client_for: ClientFor, front_desk_member: Membership, patient: Patient
) -> None:
    client = client_for(front_desk_member)
    # when
    response = client.post(_fill_url(patient), _consent_post())
    # then
    submission = FormSubmission.objects.get(patient=patient)
    done = reverse("intake:submission-done", kwargs={"submission_id": submission.pk})
    assert response.status_code == 302
    assert response["Location"] == done
    page = client.get(done).content.decode()
    assert "Consent to assessment and treatment" in page
    assert "hand the device back" in page
    # and the answers, the PDF and the list's links stay closed to the front desk
    detail = reverse(
        "intake:submission-detail", kwargs={"submission_id": submission.pk}
    )
    pdf = reverse("intake:submission-pdf", kwargs={"submission_id": submission.pk})
    assert client.get(detail).status_code == 403
    assert client.get(pdf).status_code == 403
    listing = client.get(
        reverse("intake:patient-forms", kwargs={"patient_id": patient.pk})
    ).content.decode()
    assert "Consent to assessment and treatment" in listing
    assert detail not in listing
    assert pdf not in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signature": ""}, "Signature: please sign in the box."),
        (
            {"signature": "data:image/gif;base64,R0lG"},
            "Signature: the drawing must be sent as a PNG.",
        ),
        (
            {"signer_name": ""},
            "Signer&#x27;s name: type the name of the person signing.",
        ),
        ({"f-agreement": []}, "Agreement: this answer is required."),
    ],
)
def test_bad_input_is_refused_with_422_naming_the_field(
    client_for: ClientFor,
    front_desk_member: Membership,
    patient: Patient,
    overrides: dict[str, str],
    message: str,
) -> None:
    response = client_for(front_desk_member).post(
        _fill_url(patient), _consent_post(**overrides)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_an_unknown_form_is_not_found(
    client_for: ClientFor, front_desk_member: Membership, patient: Patient
) -> None:
    response = client_for(front_desk_member).get(_fill_url(patient, "no-such-form"))
    assert response.status_code == 404


def test_provider_reads_the_submission_and_downloads_its_pdf(
    client_for: ClientFor,
    front_desk_member: Membership,
    provider_member: Membership,
    patient: Patient,
) -> None:
    # given
    client_for(front_desk_member).post(_fill_url(patient), _consent_post())
    submission = FormSubmission.objects.get(patient=patient)
    client = client_for(provider_member)
    # when
    detail = client.get(
        reverse("intake:submission-detail", kwargs={"submission_id": submission.pk})
    )
    pdf = client.get(
        reverse("intake:submission-pdf", kwargs={"submission_id": submission.pk})
        + "?download=1"
    )
    # then
    html = detail.content.decode()
    assert detail.status_code == 200
    assert AGREE in html
    assert 'src="data:image/png;base64,' in html
    assert submission.answers_sha256 in html
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert CONSENT in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="view", object_id=str(submission.pk), detail="pdf"
    ).exists()


def test_patient_forms_list_has_a_flat_query_count(
    client_for: ClientFor,
    provider_member: Membership,
    clinic: Clinic,
    patient: Patient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    client = client_for(provider_member)
    url = reverse("intake:patient-forms", kwargs={"patient_id": patient.pk})
    FormSubmissionFactory(clinic=clinic, patient=patient)
    client.get(url)  # warm the session and the clinic's settings
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    FormSubmissionFactory.create_batch(4, clinic=clinic, patient=patient)
    # when
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    # then
    assert response.status_code == 200
    assert response.content.decode().count('id="submission-') == 5


def test_accepting_a_proposed_allergy_from_the_page(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a submission whose allergies answer proposes one entry
    submission = FormSubmissionFactory(clinic=clinic, patient=patient)
    client = client_for(provider_member)
    url = reverse("intake:submission-decide", kwargs={"submission_id": submission.pk})
    page = client.get(
        reverse("intake:submission-detail", kwargs={"submission_id": submission.pk})
    ).content.decode()
    assert "Latex" in page
    assert "Accept into the chart" in page
    # when accepting without a severity, then with one
    refused = client.post(
        url, {"proposal": "allergies:0", "action": "accept", "substance": "Latex"}
    )
    accepted = client.post(
        url,
        {
            "proposal": "allergies:0",
            "action": "accept",
            "substance": "Latex",
            "reaction": "Hives",
            "severity": "severe",
        },
    )
    # then
    assert refused.status_code == 422
    assert "Severity: choose the severity of the reaction." in refused.content.decode()
    assert accepted.status_code == 302
    allergy = Allergy.objects.get(patient=patient)
    assert (allergy.substance, allergy.severity) == ("Latex", "severe")


def test_front_desk_cannot_decide_proposals(
    client_for: ClientFor, front_desk_member: Membership, clinic: Clinic
) -> None:
    submission = FormSubmissionFactory(clinic=clinic)
    url = reverse("intake:submission-decide", kwargs={"submission_id": submission.pk})
    response = client_for(front_desk_member).post(
        url, {"proposal": "allergies:0", "action": "dismiss"}
    )
    assert response.status_code == 403


def test_owner_builds_a_form_and_saves_a_new_version(
    client_for: ClientFor, owner_member: Membership, clinic: Clinic
) -> None:
    client = client_for(owner_member)
    rows = {
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-0-label": "Preferred pronouns",
        "q-0-type": "text",
        "q-0-section": "About you",
        "q-1-label": "Current medications",
        "q-1-type": "textarea",
        "q-1-maps_to": "medication",
    }
    # when
    created = client.post(
        reverse("intake:definition-create"),
        {"kind": "intake", "title": "Short intake", **rows},
    )
    edited = client.post(
        reverse("intake:definition-edit", kwargs={"form_key": "short-intake"}),
        {"title": "Short intake", **rows, "q-1-DELETE": "on"},
    )
    # then
    assert created.status_code == 302
    assert edited.status_code == 302
    versions = FormDefinition.objects.filter(clinic=clinic, key="short-intake")
    assert [len(v.fields) for v in versions.order_by("version")] == [2, 1]
    first = versions.get(version=1).fields
    assert first[1] == {
        "name": "current_medications",
        "label": "Current medications",
        "section": "Questions",
        "type": "textarea",
        "maps_to": "medication",
    }
    detail = client.get(
        reverse("intake:definition-detail", kwargs={"form_key": "short-intake"})
    )
    assert "v2" in detail.content.decode()


def test_builder_refuses_a_choice_without_choices_with_422(
    client_for: ClientFor, owner_member: Membership, clinic: Clinic
) -> None:
    response = client_for(owner_member).post(
        reverse("intake:definition-create"),
        {
            "kind": "intake",
            "title": "Broken",
            "q-TOTAL_FORMS": "1",
            "q-INITIAL_FORMS": "0",
            "q-0-label": "Colour",
            "q-0-type": "choice",
        },
    )
    assert response.status_code == 422
    assert "Field 1 (Colour): add at least one choice." in response.content.decode()
    assert not FormDefinition.objects.filter(clinic=clinic).exists()


def test_builder_list_shows_shipped_forms_without_writing(
    client_for: ClientFor, owner_member: Membership, clinic: Clinic
) -> None:
    response = client_for(owner_member).get(reverse("intake:definition-list"))
    html = response.content.decode()
    assert "New patient intake questionnaire" in html
    assert "Telehealth consent" in html
    assert not FormDefinition.objects.filter(clinic=clinic).exists()
