"""The outcome pages: patient outcomes with SVG trends, the record form, a
response's page and its entered-in-error mark."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.outcomes.models import MeasureResponse, ResponseErrorMark
from practica.outcomes.tests.factories import MeasureResponseFactory
from practica.patients.models import Patient
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _outcomes_url(patient: Patient) -> str:
    return reverse("outcomes:patient-outcomes", kwargs={"patient_id": patient.pk})


def _record_url(patient: Patient, code: str) -> str:
    return reverse(
        "outcomes:response-create",
        kwargs={"patient_id": patient.pk, "measure_id": code},
    )


def _nprs_series(clinic: Clinic, patient: Patient, scores: list[int]) -> None:
    for day, score in enumerate(scores):
        MeasureResponseFactory(
            clinic=clinic,
            patient=patient,
            measure_code="nprs",
            answers={"pain": score},
            score=Decimal(score),
            band="",
            taken_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=7 * day),
        )


def _points(html: str) -> int:
    return len(re.findall(r'<circle class="point"', html))


def test_outcomes_page_shows_latest_change_and_one_point_per_response(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given four NPRS responses falling from 8 to 3, one later marked in error
    _nprs_series(clinic, patient, [8, 6, 4, 3])
    wrong = MeasureResponseFactory(
        clinic=clinic, patient=patient, measure_code="nprs", score=Decimal(9)
    )
    ResponseErrorMark.objects.create(clinic=clinic, response=wrong, reason="Wrong form")
    # when
    response = client_for(provider_member).get(_outcomes_url(patient))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _points(html) == 4
    assert 'points="44.0,' in html
    assert "<strong>3</strong> / 10" in html
    assert "-5 · better" in html
    assert "reaches the MCID (2)" in html
    assert "entered in error" in html
    assert html.count('<tr class="entered-in-error">') == 1
    assert 'href="{}"'.format(_record_url(patient, "phq9")) in html


def test_outcomes_page_query_count_is_flat(
    client_for: ClientFor,
    provider_member: Membership,
    clinic: Clinic,
    patient: Patient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(provider_member)
    _nprs_series(clinic, patient, [7])
    client.get(_outcomes_url(patient))  # warm the session and caches
    with django_assert_num_queries(11) as few:
        client.get(_outcomes_url(patient))
    _nprs_series(clinic, patient, [7, 6, 5, 4, 3, 2, 1, 1, 0, 0])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_outcomes_url(patient))
    assert _points(response.content.decode()) == 11


def test_record_form_has_a_radio_group_per_item(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    response = client_for(provider_member).get(_record_url(patient, "gad7"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="measure-item') == 7
    assert html.count('type="radio"') == 28
    assert "Trouble relaxing" in html


def test_recording_a_response_redirects_to_it(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    # when
    data = {"taken_on": YESTERDAY.isoformat(), **{f"q{n}": "1" for n in range(1, 8)}}
    response = client_for(provider_member).post(_record_url(patient, "gad7"), data)
    # then
    stored = MeasureResponse.objects.get()
    assert (stored.score, stored.band) == (Decimal(7), "Mild")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "outcomes:response-detail", kwargs={"response_id": stored.pk}
    )


def test_invalid_answers_get_422_naming_the_item(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    # given item 4 unanswered and a date in the future
    data = {f"q{n}": "1" for n in range(1, 8) if n != 4}
    data["taken_on"] = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    # when
    response = client_for(provider_member).post(_record_url(patient, "gad7"), data)
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "Trouble relaxing: choose an answer." in html
    assert MeasureResponse.objects.count() == 0


def test_a_future_date_gets_422_naming_the_date(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    data = {"pain": "3"}
    data["taken_on"] = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client_for(provider_member).post(_record_url(patient, "nprs"), data)
    assert response.status_code == 422
    assert "Date taken: cannot be in the future." in response.content.decode()
    assert MeasureResponse.objects.count() == 0


def test_an_out_of_range_answer_gets_422(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    data = {"pain": "12", "taken_on": YESTERDAY.isoformat()}
    response = client_for(provider_member).post(_record_url(patient, "nprs"), data)
    assert response.status_code == 422
    assert "Pain intensity now: choose a listed answer." in response.content.decode()


def test_an_unknown_measure_is_not_found(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    response = client_for(provider_member).get(_record_url(patient, "sf36"))
    assert response.status_code == 404


@pytest.mark.parametrize("member", ["front_desk_member", "owner_member"])
def test_only_chart_editors_record(
    client_for: ClientFor, patient: Patient, member: str, request: pytest.FixtureRequest
) -> None:
    membership = request.getfixturevalue(member)
    data = {"pain": "3", "taken_on": YESTERDAY.isoformat()}
    response = client_for(membership).post(_record_url(patient, "nprs"), data)
    assert response.status_code == 403
    assert MeasureResponse.objects.count() == 0


def test_front_desk_cannot_read_outcomes(
    client_for: ClientFor, front_desk_member: Membership, clinic: Clinic
) -> None:
    response_row = MeasureResponseFactory(clinic=clinic)
    client = client_for(front_desk_member)
    detail = reverse(
        "outcomes:response-detail", kwargs={"response_id": response_row.pk}
    )
    assert client.get(_outcomes_url(response_row.patient)).status_code == 403
    assert client.get(detail).status_code == 403


def test_owner_reads_outcomes_without_record_links(
    client_for: ClientFor, owner_member: Membership, patient: Patient
) -> None:
    response = client_for(owner_member).get(_outcomes_url(patient))
    assert response.status_code == 200
    assert "/record/" not in response.content.decode()


def test_response_page_shows_answers_and_is_audited(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic
) -> None:
    # given a PHQ-9 with item 9 above 0
    row = MeasureResponseFactory(
        clinic=clinic,
        answers={**{f"q{n}": 0 for n in range(1, 9)}, "q9": 2},
        score=Decimal(2),
        flags=["Item 9 flag"],
    )
    url = reverse("outcomes:response-detail", kwargs={"response_id": row.pk})
    # when
    response = client_for(provider_member).get(url)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Item 9 flag" in html
    assert "More than half the days" in html
    view = AuditEntry.objects.filter(action="view").latest("seq")
    assert (view.object_id, view.patient_id) == (str(row.pk), row.patient_id)


def test_marking_entered_in_error(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic
) -> None:
    row = MeasureResponseFactory(clinic=clinic)
    url = reverse("outcomes:response-mark-error", kwargs={"response_id": row.pk})
    client = client_for(provider_member)
    # when the reason is missing
    refused = client.post(url, {"reason": ""})
    # then
    assert refused.status_code == 422
    assert "Reason: say why this response is in error." in refused.content.decode()
    assert ResponseErrorMark.objects.count() == 0
    # when given
    done = client.post(url, {"reason": "Wrong patient"})
    # then
    assert done.status_code == 302
    assert ResponseErrorMark.objects.get().reason == "Wrong patient"
    page = client.get(done["Location"]).content.decode()
    assert "Wrong patient" in page
    assert "Mark entered in error</button>" not in page
    # and a second mark is refused without a change
    again = client.post(url, {"reason": "Again"})
    assert again.status_code == 302
    assert ResponseErrorMark.objects.count() == 1


def test_the_chart_links_outcomes_and_the_front_desk_sees_neither(
    client_for: ClientFor,
    provider_member: Membership,
    front_desk_member: Membership,
    patient: Patient,
) -> None:
    patient_page = reverse("patients:patient-detail", kwargs={"patient_id": patient.pk})
    chart = reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})
    link = _outcomes_url(patient)
    # a chart reader goes from the patient page to the chart, whose section
    # bar links the outcome measures
    assert chart in client_for(provider_member).get(patient_page).content.decode()
    assert link in client_for(provider_member).get(chart).content.decode()
    # the front desk is shown neither
    desk_page = client_for(front_desk_member).get(patient_page).content.decode()
    assert chart not in desk_page
    assert link not in desk_page
