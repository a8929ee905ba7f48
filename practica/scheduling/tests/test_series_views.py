"""The series pages: preview, skip, move, save, change and cancel."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practica.audit.models import AuditEntry
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AppointmentType,
    Provider,
)
from practica.scheduling.tests.factories import (
    AppointmentTypeFactory,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK
from practica.tenancy.tests.factories import make_member

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
CREATE = "/schedule/series/create/"
Status = Appointment.Status


@pytest.fixture
def desk(
    clinic: Clinic, client_for: Callable[[Membership], Client]
) -> tuple[Client, Membership]:
    member = make_member(clinic, [FRONT_DESK])
    return client_for(member), member


@pytest.fixture
def provider(clinic: Clinic) -> Provider:
    return make_provider(
        clinic, weekdays=(0, 1, 2, 3, 4), start=dt.time(8, 0), end=dt.time(18, 0)
    )


@pytest.fixture
def kind(clinic: Clinic) -> AppointmentType:
    visit: AppointmentType = AppointmentTypeFactory(clinic=clinic)
    return visit


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    person: Patient = PatientFactory(clinic=clinic)
    return person


def _data(
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
    **overrides: object,
) -> dict[str, object]:
    """Every week on Tuesday and Thursday from 2 March 2027 at 09:00, 16 times."""
    data: dict[str, object] = {
        "patient": str(patient.pk),
        "provider": provider.pk,
        "location": main_location(clinic).pk,
        "appointment_type": kind.pk,
        "first_date": "2027-03-02",
        "start_time": "09:00",
        "frequency": "weekly",
        "interval": 1,
        "weekdays": [1, 3],
        "ends": "count",
        "count": 16,
        "until": "",
        "step": "preview",
    }
    data.update(overrides)
    return data


def test_the_form_opens_for_a_patient_and_audits_the_view(
    desk: tuple[Client, Membership], patient: Patient
) -> None:
    client, _ = desk
    response = client.get(f"{CREATE}?patient={patient.pk}")
    assert response.status_code == 200
    assert response.context["patient"] == patient
    entry = AuditEntry.objects.filter(action="view").order_by("-seq").first()
    assert entry is not None
    assert entry.patient_id == patient.pk


def test_preview_lists_every_occurrence_across_the_march_change(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    client, _ = desk
    # when
    response = client.post(CREATE, _data(clinic, provider, kind, patient))
    # then 16 free rows at 09:00, the UTC offset changing on 14 March; nothing saved
    assert response.status_code == 200
    checks = [row["check"] for row in response.context["rows"]]
    assert len(checks) == 16
    assert {c.time_label for c in checks} == {"09:00"}
    assert [c.offset_label for c in checks[3:5]] == ["UTC-0500", "UTC-0400"]
    assert all(c.is_free for c in checks)
    assert AppointmentSeries.objects.count() == 0


def test_conflicts_are_listed_and_saving_is_refused_until_resolved(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given the provider already booked on Tue 9 March at 09:00
    client, _ = desk
    make_appointment(
        clinic, provider=provider, start_at=dt.datetime(2027, 3, 9, 9, tzinfo=TORONTO)
    )
    # when saving without resolving it
    response = client.post(CREATE, _data(clinic, provider, kind, patient, step="save"))
    # then
    assert response.status_code == 409
    conflicts = [r["check"] for r in response.context["rows"] if not r["check"].is_free]
    assert [(c.index, c.reason) for c in conflicts] == [
        (3, f"{provider.display_name} is already booked from 09:00 to 09:45.")
    ]
    assert AppointmentSeries.objects.count() == 0


def test_skipping_a_conflict_books_the_rest(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given
    client, _ = desk
    make_appointment(
        clinic, provider=provider, start_at=dt.datetime(2027, 3, 9, 9, tzinfo=TORONTO)
    )
    # when
    response = client.post(
        CREATE, _data(clinic, provider, kind, patient, step="save", skip="20270309")
    )
    # then
    series = AppointmentSeries.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schedule/series/{series.pk}/"
    assert series.appointments.count() == 15
    assert not series.appointments.filter(start_at__date=dt.date(2027, 3, 9)).exists()


def test_moving_a_conflict_books_it_at_the_new_time(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given
    client, _ = desk
    make_appointment(
        clinic, provider=provider, start_at=dt.datetime(2027, 3, 9, 9, tzinfo=TORONTO)
    )
    # when
    response = client.post(
        CREATE,
        _data(clinic, provider, kind, patient, step="save", move_20270309="13:30"),
    )
    # then
    assert response.status_code == 302
    series = AppointmentSeries.objects.get()
    starts = [
        a.start_at.astimezone(TORONTO).strftime("%m-%d %H:%M")
        for a in series.appointments.order_by("start_at")[:4]
    ]
    assert starts == ["03-02 09:00", "03-04 09:00", "03-09 13:30", "03-11 09:00"]


def test_a_booking_made_after_the_preview_refuses_the_save(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given a preview with every occurrence free
    client, _ = desk
    preview = client.post(CREATE, _data(clinic, provider, kind, patient))
    assert all(r["check"].is_free for r in preview.context["rows"])
    # and then someone books the 16th occurrence's time
    make_appointment(
        clinic, provider=provider, start_at=dt.datetime(2027, 4, 22, 9, tzinfo=TORONTO)
    )
    # when
    response = client.post(CREATE, _data(clinic, provider, kind, patient, step="save"))
    # then nothing is booked and the occurrence is shown as a conflict
    assert response.status_code == 409
    assert [
        r["check"].index for r in response.context["rows"] if not r["check"].is_free
    ] == [16]
    assert AppointmentSeries.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"interval": 0}, "interval"),
        ({"weekdays": []}, "weekdays"),
        ({"ends": "until", "count": "", "until": "2027-02-01"}, "until"),
        ({"count": 53}, "count"),
        ({"frequency": "daily", "ends": "until", "until": "2027-06-30"}, "until"),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
    overrides: dict[str, object],
    field: str,
) -> None:
    client, _ = desk
    response = client.post(CREATE, _data(clinic, provider, kind, patient, **overrides))
    assert response.status_code == 422
    assert list(response.context["form"].errors) == [field]
    assert AppointmentSeries.objects.count() == 0


def test_billing_staff_cannot_book_a_series(
    clinic: Clinic,
    client_for: Callable[[Membership], Client],
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    client = client_for(make_member(clinic, [BILLING]))
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, _data(clinic, provider, kind, patient, step="save"))
    assert response.status_code == 403
    assert AppointmentSeries.objects.count() == 0


def _booked_series(
    client: Client,
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> AppointmentSeries:
    """Every Tuesday from 2 March 2027, 8 times."""
    response = client.post(
        CREATE,
        _data(clinic, provider, kind, patient, step="save", weekdays=[1], count=8),
    )
    assert response.status_code == 302
    return AppointmentSeries.objects.get()


def test_series_page_lists_occurrences_and_is_audited(
    clinic: Clinic,
    client_for: Callable[[Membership], Client],
    desk: tuple[Client, Membership],
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given a series, read by billing staff (who may view the schedule)
    series = _booked_series(desk[0], clinic, provider, kind, patient)
    reader = make_member(clinic, [BILLING])
    # when
    response = client_for(reader).get(f"/schedule/series/{series.pk}/")
    # then
    assert response.status_code == 200
    assert len(response.context["rows"]) == 8
    assert response.context["can_edit"] is False
    entry = AuditEntry.objects.filter(action="view").order_by("-seq").first()
    assert entry is not None
    assert (entry.patient_id, entry.user_id) == (patient.pk, reader.user_id)


def test_change_this_and_following_through_the_page(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given
    client, _ = desk
    series = _booked_series(client, clinic, provider, kind, patient)
    sixth = series.appointments.order_by("start_at")[5]
    # when
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)):
        client.force_login(desk[1].user)  # a fresh session at the travelled time
        page = client.get(f"/schedule/series/{series.pk}/edit/?from={sixth.pk}")
        response = client.post(
            f"/schedule/series/{series.pk}/edit/",
            {
                "scope": "following",
                "from_appointment": str(sixth.pk),
                "start_time": "14:00",
                "provider": provider.pk,
            },
        )
    # then
    assert page.status_code == 200
    assert len(page.context["targets"]) == 3
    assert response.status_code == 302
    hours = [
        a.start_at.astimezone(TORONTO).hour
        for a in series.appointments.order_by("start_at")
    ]
    assert hours == [9] * 5 + [14] * 3


def test_a_change_that_does_not_fit_lists_the_conflicts_and_changes_nothing(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given the provider busy at 14:00 on two Tuesdays
    client, _ = desk
    series = _booked_series(client, clinic, provider, kind, patient)
    for day in (dt.date(2027, 3, 16), dt.date(2027, 4, 13)):
        make_appointment(
            clinic,
            provider=provider,
            start_at=dt.datetime.combine(day, dt.time(14), tzinfo=TORONTO),
        )
    # when
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)):
        client.force_login(desk[1].user)  # a fresh session at the travelled time
        response = client.post(
            f"/schedule/series/{series.pk}/edit/",
            {"scope": "all", "start_time": "14:00", "provider": provider.pk},
        )
    # then
    assert response.status_code == 409
    assert [c.day_label for c in response.context["checks"]] == [
        "Tue 16 Mar 2027",
        "Tue 13 Apr 2027",
    ]
    assert {a.start_at.astimezone(TORONTO).hour for a in series.appointments.all()} == {
        9
    }


def test_cancel_the_whole_series_needs_a_reason(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given
    client, _ = desk
    series = _booked_series(client, clinic, provider, kind, patient)
    url = f"/schedule/series/{series.pk}/cancel/"
    # when
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)):
        client.force_login(desk[1].user)  # a fresh session at the travelled time
        refused = client.post(url, {"scope": "all", "reason": ""})
        done = client.post(url, {"scope": "all", "reason": "Treatment finished"})
    # then
    assert refused.status_code == 422
    assert list(refused.context["cancel_form"].errors) == ["reason"]
    assert done.status_code == 302
    assert set(series.appointments.values_list("status", flat=True)) == {
        Status.CANCELLED
    }


def test_appointment_page_links_to_its_series(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    client, _ = desk
    series = _booked_series(client, clinic, provider, kind, patient)
    first = series.appointments.order_by("start_at")[0]
    response = client.get(f"/schedule/appointments/{first.pk}/")
    assert f'href="/schedule/series/{series.pk}/"' in response.content.decode()


def test_series_page_query_count_does_not_grow_with_occurrences(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    # given a series of 4 and one of 16
    client, _ = desk
    sizes = []
    for count in (4, 16):
        response = client.post(
            CREATE,
            _data(clinic, provider, kind, patient, step="save", count=count),
        )
        sizes.append(response["Location"])
        provider = make_provider(
            clinic, weekdays=(0, 1, 2, 3, 4), start=dt.time(8), end=dt.time(18)
        )
    # when
    with CaptureQueriesContext(connection) as small:
        client.get(sizes[0])
    with CaptureQueriesContext(connection) as large:
        client.get(sizes[1])
    # then
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_htmx_preview_returns_only_the_form(
    desk: tuple[Client, Membership],
    clinic: Clinic,
    provider: Provider,
    kind: AppointmentType,
    patient: Patient,
) -> None:
    client, _ = desk
    response = client.post(
        CREATE, _data(clinic, provider, kind, patient), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="series-form"')
    assert body.count('name="skip"') == 16
    assert response["Vary"] == "HX-Request, Cookie"
