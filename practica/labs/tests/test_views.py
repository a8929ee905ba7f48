"""The lab pages: the patient's latest results, the add form (full page and
htmx), one test's trend, marking in error, the LOINC search, role refusals
and flat query counts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from practica.audit.models import AuditEntry
from practica.labs.models import Flag, LabResult
from practica.labs.tests.factories import LabResultFactory
from practica.patients.models import Patient
from practica.tenancy.models import Clinic, Membership

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
START = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


def _labs_url(patient: Patient) -> str:
    return reverse("labs:patient-labs", kwargs={"patient_id": patient.pk})


def _create_url(patient: Patient) -> str:
    return reverse("labs:result-create", kwargs={"patient_id": patient.pk})


def _test_url(patient: Patient, code: str) -> str:
    return reverse(
        "labs:test-detail", kwargs={"patient_id": patient.pk, "loinc_code": code}
    )


def _a1c_series(clinic: Clinic, patient: Patient, values: list[str]) -> list[LabResult]:
    return [
        LabResultFactory(
            clinic=clinic,
            patient=patient,
            value=value,
            value_number=Decimal(value),
            flag=Flag.HIGH if Decimal(value) > Decimal("5.6") else Flag.NORMAL,
            collected_at=START + datetime.timedelta(days=91 * n),
        )
        for n, value in enumerate(values)
    ]


def _form(**overrides: str) -> dict[str, str]:
    when = timezone.localtime() - datetime.timedelta(days=1)
    data = {
        "loinc_code": "4548-4",
        "value": "6.9",
        "collected_at": when.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def _points(html: str) -> int:
    return len(re.findall(r'<circle class="point', html))


def test_labs_page_lists_the_latest_of_each_test_with_words_for_flags(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given three HbA1c results falling to 6.8 and a normal TSH
    _a1c_series(clinic, patient, ["8.4", "7.6", "6.8"])
    LabResultFactory(
        clinic=clinic,
        patient=patient,
        loinc_code="3016-3",
        test_name="Thyrotropin [Units/volume] in Serum or Plasma",
        value="2.1",
        value_number=Decimal("2.1"),
        unit="m[IU]/L",
        reference_low=Decimal("0.4"),
        reference_high=Decimal("4.0"),
        flag=Flag.NORMAL,
    )
    # when
    response = client_for(provider_member).get(_labs_url(patient))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Diabetes" in html
    assert "Thyroid" in html
    assert "Hgb A1c MFr Bld" in html
    assert html.count('class="lab-abnormal"') == 1
    assert "▲</span> High" in html
    assert "Flagged in the latest results" in html
    assert "6.8" in html
    assert "7.6" in html
    assert "4-5.6" in html
    assert 'href="{}"'.format(_test_url(patient, "4548-4")) in html
    assert 'aria-current="page">Lab results' in html
    assert 'hx-get="/labs/codes/"' in html
    assert "This material contains content from LOINC" in html
    entry = AuditEntry.objects.filter(action="view").order_by("-seq").first()
    assert entry is not None
    assert (entry.patient_id, entry.detail) == (patient.pk, "labs")


def test_labs_page_query_count_is_flat(
    client_for: ClientFor,
    provider_member: Membership,
    clinic: Clinic,
    patient: Patient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    client = client_for(provider_member)
    _a1c_series(clinic, patient, ["8.0"])
    client.get(_labs_url(patient))
    with CaptureQueriesContext(connection) as few:
        client.get(_labs_url(patient))
    # when twenty more results of several tests are added
    _a1c_series(clinic, patient, [str(6 + n / 10) for n in range(10)])
    for code in ("3016-3", "2093-3", "718-7"):
        LabResultFactory.create_batch(
            3, clinic=clinic, patient=patient, loinc_code=code
        )
    # then the page runs the same number of queries
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(_labs_url(patient))


def test_page_without_results_invites_the_first(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    response = client_for(provider_member).get(_labs_url(patient))
    html = response.content.decode()
    assert "No lab results recorded yet." in html
    assert "Add a result" in html


def test_owner_sees_results_but_not_the_add_form(
    client_for: ClientFor, owner_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    _a1c_series(clinic, patient, ["7.0"])
    response = client_for(owner_member).get(_labs_url(patient))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Add a result" not in html
    assert (
        "Mark entered in error"
        not in client_for(owner_member)
        .get(_test_url(patient, "4548-4"))
        .content.decode()
    )


@pytest.mark.parametrize(
    "url_for",
    [
        _labs_url,
        lambda p: _test_url(p, "4548-4"),
    ],
)
def test_front_desk_is_refused_every_lab_page(
    client_for: ClientFor,
    front_desk_member: Membership,
    patient: Patient,
    url_for: Callable[[Patient], str],
) -> None:
    response = client_for(front_desk_member).get(url_for(patient))
    assert response.status_code == 403


def test_front_desk_cannot_add_or_search(
    client_for: ClientFor, front_desk_member: Membership, patient: Patient
) -> None:
    client = client_for(front_desk_member)
    assert client.post(_create_url(patient), _form()).status_code == 403
    assert client.get(reverse("labs:code-search"), {"q": "a1c"}).status_code == 403
    assert not LabResult.objects.exists()


def test_add_a_result_full_page_redirects_with_a_message(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    # when the picker left "4548-4 Hemoglobin ..." in the field
    response = client_for(provider_member).post(
        _create_url(patient),
        _form(loinc_code="4548-4 Hemoglobin A1c/Hemoglobin.total in Blood"),
        follow=True,
    )
    # then
    assert response.redirect_chain[-1][0] == _labs_url(patient)
    html = response.content.decode()
    assert "Hemoglobin A1c/Hemoglobin.total in Blood: result added." in html
    result = LabResult.objects.get()
    assert (result.value, result.flag, result.unit) == ("6.9", "H", "%")


def test_add_a_result_with_htmx_returns_the_results_region(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    # when
    response = client_for(provider_member).post(_create_url(patient), _form(), **HTMX)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "labs-changed"
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<div id="labs">')
    assert "<html" not in html
    assert "result added." in html
    assert LabResult.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"value": "lots"},
            "Value: Hemoglobin A1c/Hemoglobin.total in Blood is a numeric test",
        ),
        (
            {"unit": "mmol/mol"},
            "Unit: Hemoglobin A1c/Hemoglobin.total in Blood is reported in %",
        ),
        (
            {"reference_low": "7", "reference_high": "5"},
            "Reference low: the low end is above the high end.",
        ),
        ({"reference_low": "abc"}, "Reference low: enter a number."),
        (
            {"collected_at": "2999-01-01T10:00"},
            "Collected at: cannot be in the future.",
        ),
        ({"collected_at": ""}, "Collected at: enter it."),
        ({"loinc_code": "4548-5"}, "Test (LOINC): the check digit after the dash"),
        ({"loinc_code": "1000-9"}, "Test name: name the test"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(
    client_for: ClientFor,
    provider_member: Membership,
    patient: Patient,
    overrides: dict[str, str],
    message: str,
) -> None:
    # when
    response = client_for(provider_member).post(
        _create_url(patient), _form(**overrides)
    )
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not LabResult.objects.exists()


def test_bad_input_with_htmx_returns_the_region_with_the_open_form(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    response = client_for(provider_member).post(
        _create_url(patient), _form(value=""), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<div id="labs">')
    assert '<details class="card lab-add" open>' in html
    assert "Value: enter it." in html


def test_user_text_is_escaped(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    client = client_for(provider_member)
    client.post(
        _create_url(patient),
        _form(loinc_code="5802-4", value="<script>x</script>", comment="<b>hi</b>"),
    )
    html = client.get(_test_url(patient, "5802-4")).content.decode()
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_test_page_draws_a_point_per_counted_result_and_the_range_band(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given four HbA1c results, one later marked in error
    results = _a1c_series(clinic, patient, ["8.4", "7.9", "7.2", "6.8"])
    wrong = results[1]
    LabResult.objects.filter(pk=wrong.pk).update(
        status=LabResult.Status.ENTERED_IN_ERROR,
        error_reason="Wrong patient",
        marked_in_error_at=timezone.now(),
    )
    # when
    response = client_for(provider_member).get(_test_url(patient, "4548-4"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _points(html) == 3
    assert html.count('class="point abnormal"') == 3
    assert '<rect class="band"' in html
    assert "shaded band is the reference range" in html
    assert html.count('class="entered-in-error"') == 1
    assert "In error: Wrong patient" in html
    assert "<del>7.9 %</del>" in html
    assert "Mark entered in error" in html
    entry = AuditEntry.objects.filter(action="view").order_by("-seq").first()
    assert entry is not None
    assert entry.detail == "labs 4548-4"


def test_test_page_query_count_is_flat(
    client_for: ClientFor,
    provider_member: Membership,
    clinic: Clinic,
    patient: Patient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(provider_member)
    _a1c_series(clinic, patient, ["8.0"])
    client.get(_test_url(patient, "4548-4"))
    with CaptureQueriesContext(connection) as few:
        client.get(_test_url(patient, "4548-4"))
    _a1c_series(clinic, patient, [str(6 + n / 10) for n in range(12)])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(_test_url(patient, "4548-4"))


def test_results_in_another_unit_stay_off_the_chart(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given hemoglobin in g/dL, then in g/L (latest)
    for when, value, unit in (
        (START, "13.1", "g/dL"),
        (START + datetime.timedelta(days=30), "128", "g/L"),
        (START + datetime.timedelta(days=60), "131", "g/L"),
    ):
        LabResultFactory(
            clinic=clinic,
            patient=patient,
            loinc_code="718-7",
            test_name="Hemoglobin [Mass/volume] in Blood",
            value=value,
            value_number=Decimal(value),
            unit=unit,
            reference_low=None,
            reference_high=None,
            flag="",
            collected_at=when,
        )
    # when
    html = client_for(provider_member).get(_test_url(patient, "718-7")).content.decode()
    # then
    assert _points(html) == 2
    assert 'Trend <span class="muted">(g/L)</span>' in html
    assert "1 result in another unit is in the table only." in html


@pytest.mark.parametrize("code", ["4548-5", "abc", "4548"])
def test_malformed_code_is_not_found(
    client_for: ClientFor, provider_member: Membership, patient: Patient, code: str
) -> None:
    response = client_for(provider_member).get(_test_url(patient, code))
    assert response.status_code == 404


def test_a_test_with_no_results_says_so(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    response = client_for(provider_member).get(_test_url(patient, "2093-3"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cholesterol [Mass/volume] in Serum or Plasma" in html
    assert "No results of this test recorded." in html


def test_mark_in_error_redirects_to_the_test_page(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given
    result = LabResultFactory(clinic=clinic, patient=patient)
    url = reverse("labs:result-mark-error", kwargs={"lab_result_id": result.pk})
    # when
    response = client_for(provider_member).post(
        url, {"reason": "Another patient's report"}, follow=True
    )
    # then
    assert response.redirect_chain[-1][0] == _test_url(patient, "4548-4")
    assert "Result marked entered in error." in response.content.decode()
    result.refresh_from_db()
    assert result.is_entered_in_error


def test_mark_in_error_without_reason_is_422_and_changes_nothing(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    result = LabResultFactory(clinic=clinic, patient=patient)
    url = reverse("labs:result-mark-error", kwargs={"lab_result_id": result.pk})
    response = client_for(provider_member).post(url, {"reason": " "})
    assert response.status_code == 422
    assert "Reason: say why the result is in error." in response.content.decode()
    result.refresh_from_db()
    assert not result.is_entered_in_error


def test_marking_twice_tells_the_user(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    result = LabResultFactory(clinic=clinic, patient=patient)
    url = reverse("labs:result-mark-error", kwargs={"lab_result_id": result.pk})
    client = client_for(provider_member)
    client.post(url, {"reason": "Wrong patient"})
    response = client.post(url, {"reason": "Again"}, follow=True)
    assert "already marked entered in error" in response.content.decode()


def test_code_search_returns_datalist_options(
    client_for: ClientFor, provider_member: Membership
) -> None:
    client = client_for(provider_member)
    url = reverse("labs:code-search")
    # when typed in the add form (htmx sends the field's own name)
    html = client.get(url, {"loinc_code": "a1c"}, **HTMX).content.decode()
    # then
    assert '<option value="4548-4">4548-4 Hemoglobin A1c' in html
    assert html.count("<option") == 3
    assert client.get(url, {"q": "4548"}).content.decode().count("<option") == 1
    bad = client.get(url, {"q": "a", "limit": "0"})
    assert bad.status_code == 422
    assert "Limit: use 1 to 50." in bad.content.decode()
    assert not AuditEntry.objects.filter(action="view").exists()


def test_times_are_entered_and_shown_in_the_clinics_zone(
    client_for: ClientFor, provider_member: Membership, patient: Patient
) -> None:
    # given the clinic's location is in Toronto (UTC-5 in January)
    client = client_for(provider_member)
    # when a draw at 09:00 local time is entered
    client.post(_create_url(patient), _form(collected_at="2026-01-10T09:00"))
    # then it is stored as 14:00 UTC and shown as 09:00
    result = LabResult.objects.get()
    assert result.collected_at == datetime.datetime(
        2026, 1, 10, 14, 0, tzinfo=datetime.UTC
    )
    html = client.get(_test_url(patient, "4548-4")).content.decode()
    assert "10 Jan 2026, 09:00" in html


def test_test_page_sums_up_latest_range_and_change(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given HbA1c from 8.4 to 6.4
    _a1c_series(clinic, patient, ["8.4", "7.0", "6.4"])
    # when
    html = (
        client_for(provider_member).get(_test_url(patient, "4548-4")).content.decode()
    )
    # then
    assert "<strong>6.4</strong> %" in html
    assert "Change since 2 Jun 2025</dt><dd>-2 %" in html
    assert "<dt>Charted results</dt><dd>3</dd>" in html


def test_chart_summary_banner_lists_abnormal_labs_of_the_past_year(
    client_for: ClientFor, provider_member: Membership, clinic: Clinic, patient: Patient
) -> None:
    # given a recent high HbA1c and a recent normal TSH
    recent = timezone.now() - datetime.timedelta(days=20)
    LabResultFactory(clinic=clinic, patient=patient, value="7.4", collected_at=recent)
    LabResultFactory(
        clinic=clinic,
        patient=patient,
        loinc_code="3016-3",
        test_name="Thyrotropin [Units/volume] in Serum or Plasma",
        flag=Flag.NORMAL,
        collected_at=recent,
    )
    # when
    url = reverse("charting:chart-detail", kwargs={"patient_id": patient.pk})
    html = client_for(provider_member).get(url).content.decode()
    # then
    assert "Abnormal labs (past year)" in html
    assert "Hemoglobin A1c/Hemoglobin.total in Blood</a> 7.4 % · High" in html
    assert "Thyrotropin" not in html
