"""Recurring series: rule expansion across DST, booking, and changing a series."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from practica.audit.models import AuditEntry
from practica.patients.tests.factories import PatientFactory
from practica.scheduling.errors import InvalidBookingError
from practica.scheduling.models import Appointment, AppointmentSeries, Provider
from practica.scheduling.selectors.series import (
    DAILY,
    WEEKLY,
    RuleTooLongError,
    SeriesRule,
    check_occurrences,
    expand_rule,
)
from practica.scheduling.services.series import (
    OccurrenceConflictError,
    cancel_series,
    create_series,
    reschedule_series,
)
from practica.scheduling.tests.factories import (
    AppointmentTypeFactory,
    main_location,
    make_appointment,
    make_provider,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location
from practica.tenancy.permissions import FRONT_DESK
from practica.tenancy.tests.factories import LocationFactory, actor_for, make_member

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
Status = Appointment.Status
TUE_THU_16 = SeriesRule(frequency=WEEKLY, interval=1, weekdays=(1, 3), count=16)


@pytest.fixture
def desk(clinic: Clinic) -> Actor:
    return actor_for(make_member(clinic, [FRONT_DESK]))


def _location(clinic: Clinic, tz_name: str) -> Location:
    if tz_name == "America/Toronto":
        return main_location(clinic)
    location: Location = LocationFactory(clinic=clinic, timezone=tz_name)
    return location


def _provider(clinic: Clinic, location: Location) -> Provider:
    return make_provider(
        clinic,
        location=location,
        weekdays=EVERY_DAY,
        start=dt.time(7, 0),
        end=dt.time(19, 0),
    )


def _book(
    actor: Actor,
    clinic: Clinic,
    *,
    rule: SeriesRule = TUE_THU_16,
    first_day: dt.date = dt.date(2027, 3, 2),
    provider: Provider | None = None,
) -> AppointmentSeries:
    location = main_location(clinic)
    occurrences = expand_rule(
        rule, first_day=first_day, start_time=dt.time(9, 0), tz=location.tz
    )
    return create_series(
        actor=actor,
        patient=PatientFactory(clinic=clinic),
        provider=provider or _provider(clinic, location),
        location=location,
        appointment_type=AppointmentTypeFactory(clinic=clinic),
        rrule=rule.as_text(),
        starts=[(o.index, o.start_at) for o in occurrences if o.start_at],
    )


# --- rules and daylight saving ---------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "utc_before", "utc_after"),
    [(TORONTO, 14, 13), (VANCOUVER, 17, 16)],
)
def test_tue_thu_for_8_weeks_keeps_0900_local_across_the_march_change(
    tz: zoneinfo.ZoneInfo, utc_before: int, utc_after: int
) -> None:
    # given every week on Tuesday and Thursday from Tue 2 March 2027, 16 times
    # when
    occurrences = expand_rule(
        TUE_THU_16, first_day=dt.date(2027, 3, 2), start_time=dt.time(9, 0), tz=tz
    )
    # then 16 visits, all at 09:00 local, an hour earlier in UTC after 14 March
    assert len(occurrences) == 16
    assert {o.start_at.astimezone(tz).time() for o in occurrences if o.start_at} == {
        dt.time(9, 0)
    }
    assert [o.local.date() for o in occurrences[:4]] == [
        dt.date(2027, 3, 2),
        dt.date(2027, 3, 4),
        dt.date(2027, 3, 9),
        dt.date(2027, 3, 11),
    ]
    assert occurrences[-1].local.date() == dt.date(2027, 4, 22)
    utc_hours = [o.start_at.astimezone(dt.UTC).hour for o in occurrences if o.start_at]
    assert utc_hours == [utc_before] * 4 + [utc_after] * 12


@pytest.mark.parametrize(
    ("tz", "utc_before", "utc_after"),
    [(TORONTO, 13, 14), (VANCOUVER, 16, 17)],
)
def test_weekly_keeps_0900_local_across_the_november_change(
    tz: zoneinfo.ZoneInfo, utc_before: int, utc_after: int
) -> None:
    # given every Thursday from 21 October 2027 (clocks go back on 7 November)
    rule = SeriesRule(frequency=WEEKLY, interval=1, weekdays=(3,), count=4)
    # when
    occurrences = expand_rule(
        rule, first_day=dt.date(2027, 10, 21), start_time=dt.time(9, 0), tz=tz
    )
    # then
    assert [f"{o.local:%Y-%m-%d %H:%M}" for o in occurrences] == [
        "2027-10-21 09:00",
        "2027-10-28 09:00",
        "2027-11-04 09:00",
        "2027-11-11 09:00",
    ]
    utc_hours = [o.start_at.astimezone(dt.UTC).hour for o in occurrences if o.start_at]
    assert utc_hours == [utc_before] * 3 + [utc_after]


def test_every_2_weeks_until_a_date_includes_the_last_date() -> None:
    # given every second Monday from 1 March to 24 May 2027
    rule = SeriesRule(
        frequency=WEEKLY, interval=2, weekdays=(0,), until=dt.date(2027, 5, 24)
    )
    # when
    occurrences = expand_rule(
        rule, first_day=dt.date(2027, 3, 1), start_time=dt.time(9, 0), tz=TORONTO
    )
    # then
    assert [o.local.date() for o in occurrences] == [
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 15),
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 12),
        dt.date(2027, 4, 26),
        dt.date(2027, 5, 10),
        dt.date(2027, 5, 24),
    ]
    assert rule.as_text() == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20270524T235959"


def test_rule_text_is_rfc_5545() -> None:
    assert TUE_THU_16.as_text() == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=16"


@pytest.mark.parametrize("tz", [TORONTO, VANCOUVER])
def test_a_time_the_clocks_skip_does_not_exist_and_is_a_conflict(
    tz: zoneinfo.ZoneInfo, clinic: Clinic
) -> None:
    # given every day at 02:30 from 13 March 2027
    rule = SeriesRule(frequency=DAILY, interval=1, count=3)
    location = _location(clinic, str(tz))
    occurrences = expand_rule(
        rule, first_day=dt.date(2027, 3, 13), start_time=dt.time(2, 30), tz=tz
    )
    # when
    checks = check_occurrences(
        occurrences,
        provider=_provider(clinic, location),
        location=location,
        appointment_type=AppointmentTypeFactory(clinic=clinic),
    )
    # then 14 March 02:30 does not exist; it is listed with the reason
    assert occurrences[1].start_at is None
    assert checks[1].reason == (
        "02:30 does not exist on 14 Mar 2027: the clocks go forward. "
        "Move it to another time."
    )
    assert [c.is_free for c in checks] == [False, False, False]  # 02:30 off hours


def test_an_ambiguous_time_takes_the_first_instant() -> None:
    # given every day at 01:30 around the November change in Toronto
    rule = SeriesRule(frequency=DAILY, interval=1, count=2)
    # when
    occurrences = expand_rule(
        rule, first_day=dt.date(2027, 11, 7), start_time=dt.time(1, 30), tz=TORONTO
    )
    # then 01:30 on 7 November is the first, daylight-time, one (05:30 UTC)
    assert occurrences[0].start_at is not None
    assert occurrences[0].start_at.astimezone(dt.UTC) == dt.datetime(
        2027, 11, 7, 5, 30, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            SeriesRule(frequency=WEEKLY, interval=1, weekdays=(0,), count=53),
            "This rule makes more than 52 occurrences; a series holds at most 52.",
        ),
        (
            SeriesRule(frequency=DAILY, interval=1, until=dt.date(2027, 6, 1)),
            "This rule makes more than 52 occurrences; a series holds at most 52.",
        ),
        (
            SeriesRule(frequency=WEEKLY, interval=4, weekdays=(0,), count=20),
            "A series can span at most one year.",
        ),
    ],
)
def test_rules_past_the_caps_are_refused(rule: SeriesRule, message: str) -> None:
    with pytest.raises(RuleTooLongError) as refused:
        expand_rule(
            rule, first_day=dt.date(2027, 3, 1), start_time=dt.time(9, 0), tz=TORONTO
        )
    assert refused.value.message == message


# --- booking -------------------------------------------------------------------


def test_create_series_books_every_occurrence_and_audits(
    desk: Actor, clinic: Clinic
) -> None:
    # when
    series = _book(desk, clinic)
    # then
    booked = list(series.appointments.order_by("start_at"))
    assert len(booked) == 16
    assert {a.status for a in booked} == {Status.BOOKED}
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=16"
    assert series.first_start_at == dt.datetime(2027, 3, 2, 9, 0, tzinfo=TORONTO)
    assert {a.start_at.astimezone(TORONTO).time() for a in booked} == {dt.time(9, 0)}
    entry = AuditEntry.objects.get(object_id=str(series.pk), action="create")
    assert entry.patient_id == series.patient_id
    assert entry.detail == (
        "series rule=FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=16 booked=16"
    )


def test_conflicts_are_listed_with_their_reason(desk: Actor, clinic: Clinic) -> None:
    # given the provider already booked on the third occurrence (Tue 9 March)
    location = main_location(clinic)
    provider = _provider(clinic, location)
    make_appointment(
        clinic,
        provider=provider,
        start_at=dt.datetime(2027, 3, 9, 9, 0, tzinfo=TORONTO),
    )
    occurrences = expand_rule(
        TUE_THU_16, first_day=dt.date(2027, 3, 2), start_time=dt.time(9, 0), tz=TORONTO
    )
    # when
    checks = check_occurrences(
        occurrences,
        provider=provider,
        location=location,
        appointment_type=AppointmentTypeFactory(clinic=clinic),
        skipped=frozenset({5}),
    )
    # then
    assert [c.index for c in checks if not c.is_free] == [3]
    assert checks[2].reason == (
        f"{provider.display_name} is already booked from 09:00 to 09:45."
    )
    assert checks[4].is_skipped


def test_a_booking_made_between_preview_and_save_refuses_the_whole_series(
    desk: Actor, clinic: Clinic
) -> None:
    # given someone books the provider on the fourth occurrence meanwhile
    location = main_location(clinic)
    provider = _provider(clinic, location)
    make_appointment(
        clinic,
        provider=provider,
        start_at=dt.datetime(2027, 3, 11, 9, 30, tzinfo=TORONTO),
    )
    # when
    with pytest.raises(OccurrenceConflictError) as refused:
        _book(desk, clinic, provider=provider)
    # then nothing was saved and the occurrence is named
    assert refused.value.index == 4
    assert refused.value.message == (
        f"Occurrence 4 (Thu 11 Mar 2027 09:00): {provider.display_name} is "
        "already booked from 09:30 to 10:15."
    )
    assert AppointmentSeries.objects.count() == 0
    assert Appointment.objects.filter(provider=provider).count() == 1


# --- changing a series -------------------------------------------------------------


WEEKLY_8 = SeriesRule(frequency=WEEKLY, interval=1, weekdays=(1,), count=8)


def _local_times(series: AppointmentSeries) -> list[str]:
    return [
        f"{a.start_at.astimezone(TORONTO):%m-%d %H:%M} {a.status}"
        for a in series.appointments.order_by("start_at")
    ]


def test_reschedule_this_and_following_moves_only_future_booked_ones(
    desk: Actor, clinic: Clinic
) -> None:
    # given a weekly series on Tuesdays from 2 March (across the DST change),
    # the first one completed, and today the 10th of March
    series = _book(desk, clinic, rule=WEEKLY_8)
    appointments = list(series.appointments.order_by("start_at"))
    Appointment.objects.filter(pk=appointments[0].pk).update(status=Status.COMPLETED)
    # when moving the fourth and following to 11:00
    with time_machine.travel(dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)):
        moved = reschedule_series(
            actor=desk,
            series=series,
            start_time=dt.time(11, 0),
            provider=series.provider,
            from_appointment=appointments[3],
        )
    # then
    assert len(moved) == 5
    assert _local_times(series) == [
        "03-02 09:00 completed",
        "03-09 09:00 booked",
        "03-16 09:00 booked",
        "03-23 11:00 booked",
        "03-30 11:00 booked",
        "04-06 11:00 booked",
        "04-13 11:00 booked",
        "04-20 11:00 booked",
    ]
    entry = AuditEntry.objects.get(object_id=str(series.pk), action="update")
    assert entry.detail == (
        f"series following moved=5 to 11:00 provider={series.provider_id}"
    )


def test_reschedule_with_one_conflict_changes_nothing(
    desk: Actor, clinic: Clinic
) -> None:
    # given the provider busy at 11:00 on the sixth Tuesday
    series = _book(desk, clinic, rule=WEEKLY_8)
    make_appointment(
        clinic,
        provider=series.provider,
        start_at=dt.datetime(2027, 4, 6, 11, 0, tzinfo=TORONTO),
    )
    # when
    with (
        time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)),
        pytest.raises(OccurrenceConflictError) as refused,
    ):
        reschedule_series(
            actor=desk,
            series=series,
            start_time=dt.time(11, 0),
            provider=series.provider,
        )
    # then
    assert refused.value.index == 6
    assert {t[6:11] for t in _local_times(series)} == {"09:00"}


def test_reschedule_the_whole_series_to_another_provider(
    desk: Actor, clinic: Clinic
) -> None:
    # given
    series = _book(desk, clinic, rule=WEEKLY_8)
    other = _provider(clinic, main_location(clinic))
    # when
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)):
        moved = reschedule_series(
            actor=desk, series=series, start_time=dt.time(9, 0), provider=other
        )
    # then
    series.refresh_from_db()
    assert len(moved) == 8
    assert series.provider == other
    assert set(series.appointments.values_list("provider", flat=True)) == {other.pk}


def test_cancel_the_whole_series_keeps_the_past(desk: Actor, clinic: Clinic) -> None:
    # given a series whose first two occurrences are past
    series = _book(desk, clinic, rule=WEEKLY_8)
    # when
    with time_machine.travel(dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)):
        cancelled = cancel_series(actor=desk, series=series, reason="Moved away")
    # then
    assert len(cancelled) == 6
    assert [t[12:] for t in _local_times(series)] == ["booked"] * 2 + ["cancelled"] * 6
    assert set(
        series.appointments.filter(status=Status.CANCELLED).values_list(
            "cancel_reason", flat=True
        )
    ) == {"Moved away"}
    entry = AuditEntry.objects.get(object_id=str(series.pk), action="cancel")
    assert entry.detail == "series all cancelled=6"


def test_cancel_this_and_following(desk: Actor, clinic: Clinic) -> None:
    # given
    series = _book(desk, clinic, rule=WEEKLY_8)
    fifth = series.appointments.order_by("start_at")[4]
    # when
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)):
        cancelled = cancel_series(
            actor=desk, series=series, reason="Feeling better", from_appointment=fifth
        )
    # then
    assert len(cancelled) == 4
    assert [t[12:] for t in _local_times(series)] == ["booked"] * 4 + ["cancelled"] * 4


def test_cancel_needs_a_reason(desk: Actor, clinic: Clinic) -> None:
    series = _book(desk, clinic, rule=WEEKLY_8)
    with pytest.raises(InvalidBookingError) as refused:
        cancel_series(actor=desk, series=series, reason="  ")
    assert refused.value.message == "Give a reason for the cancellation."
