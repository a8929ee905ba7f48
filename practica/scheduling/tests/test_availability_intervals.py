"""The availability engine's pure parts: interval arithmetic, working time
from rows, and wall-clock stepping across daylight-saving changes.

The rows are unsaved model instances: these tests touch no database.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from practica.scheduling.models import (
    AvailabilityException,
    ClinicHoliday,
    WorkingHours,
)
from practica.scheduling.selectors.availability import (
    AvailabilityRows,
    BusyIndex,
    Interval,
    contains,
    merge_intervals,
    provider_intervals,
    search_chunks,
    subtract_intervals,
    wall_clock_starts,
)

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
MONDAY = dt.date(2031, 3, 3)
SATURDAY = dt.date(2031, 3, 8)
PROVIDER = 7
HERE = 1
ELSEWHERE = 2
Kind = AvailabilityException.Kind


def at(
    day: dt.date, hour: int, minute: int = 0, tz: dt.tzinfo = TORONTO
) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz).astimezone(dt.UTC)


def span(day: dt.date, start: int, end: int) -> Interval:
    return Interval(at(day, start), at(day, end))


def hours(*blocks: tuple[int, int], weekday: int = 0) -> list[WorkingHours]:
    return [
        WorkingHours(
            provider_id=PROVIDER,
            location_id=HERE,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end),
        )
        for start, end in blocks
    ]


def exception(
    kind: str,
    *,
    times: tuple[int, int] | None = None,
    location_id: int | None = None,
    day: dt.date = MONDAY,
) -> AvailabilityException:
    return AvailabilityException(
        provider_id=PROVIDER,
        kind=kind,
        location_id=location_id,
        starts_on=day,
        ends_on=day,
        start_time=dt.time(times[0]) if times else None,
        end_time=dt.time(times[1]) if times else None,
    )


def intervals(
    rows: AvailabilityRows, start_on: dt.date = MONDAY, end_on: dt.date = MONDAY
) -> list[Interval]:
    return provider_intervals(
        rows,
        provider_id=PROVIDER,
        location_id=HERE,
        tz=TORONTO,
        start_on=start_on,
        end_on=end_on,
    )


# --- interval arithmetic ---------------------------------------------------------


def test_merge_joins_overlapping_and_touching_intervals() -> None:
    # given
    spans = [span(MONDAY, 13, 15), span(MONDAY, 9, 11), span(MONDAY, 10, 12)]

    # when
    merged = merge_intervals([*spans, span(MONDAY, 15, 16)])

    # then
    assert merged == [span(MONDAY, 9, 12), span(MONDAY, 13, 16)]


def test_subtract_cuts_holes_out_of_intervals() -> None:
    # given
    working = [span(MONDAY, 9, 17)]

    # when
    left = subtract_intervals(working, [span(MONDAY, 12, 13), span(MONDAY, 16, 18)])

    # then
    assert left == [span(MONDAY, 9, 12), span(MONDAY, 13, 16)]


def test_contains_needs_the_whole_visit_inside_one_interval() -> None:
    # given
    working = [span(MONDAY, 9, 12), span(MONDAY, 13, 17)]

    # then
    assert contains(working, at(MONDAY, 11), at(MONDAY, 12))
    assert not contains(working, at(MONDAY, 11, 30), at(MONDAY, 12, 15))
    assert not contains(working, at(MONDAY, 8, 45), at(MONDAY, 9, 30))


def test_busy_index_treats_touching_spans_as_free() -> None:
    # given
    busy = BusyIndex([span(MONDAY, 10, 11), span(MONDAY, 14, 15)])

    # then
    assert not busy.overlaps(at(MONDAY, 9), at(MONDAY, 10))
    assert not busy.overlaps(at(MONDAY, 11), at(MONDAY, 14))
    assert busy.overlaps(at(MONDAY, 10, 45), at(MONDAY, 11, 30))
    assert busy.overlaps(at(MONDAY, 9), at(MONDAY, 16))


# --- working time from rows ---------------------------------------------------------


def test_breaks_are_the_gaps_between_blocks() -> None:
    # given
    rows = AvailabilityRows(hours=hours((9, 12), (13, 17)), exceptions=[], holidays=[])

    # then
    assert intervals(rows) == [span(MONDAY, 9, 12), span(MONDAY, 13, 17)]


def test_hours_at_another_location_do_not_count() -> None:
    # given
    elsewhere = hours((9, 17))
    elsewhere[0].location_id = ELSEWHERE
    rows = AvailabilityRows(hours=elsewhere, exceptions=[], holidays=[])

    # then
    assert intervals(rows) == []


@pytest.mark.parametrize(
    ("location_id", "expected"),
    [(None, []), (HERE, []), (ELSEWHERE, [span(MONDAY, 9, 17)])],
)
def test_a_holiday_closes_the_clinic_or_its_location(
    location_id: int | None, expected: list[Interval]
) -> None:
    # given
    holiday = ClinicHoliday(name="Holiday", on=MONDAY, location_id=location_id)
    rows = AvailabilityRows(hours=hours((9, 17)), exceptions=[], holidays=[holiday])

    # then
    assert intervals(rows) == expected


@pytest.mark.parametrize("kind", [Kind.VACATION, Kind.SICK, Kind.UNAVAILABLE])
def test_whole_day_time_off_leaves_nothing(kind: str) -> None:
    # given
    rows = AvailabilityRows(
        hours=hours((9, 17)), exceptions=[exception(kind)], holidays=[]
    )

    # then
    assert intervals(rows) == []


def test_part_day_time_off_cuts_the_hours() -> None:
    # given
    rows = AvailabilityRows(
        hours=hours((9, 17)),
        exceptions=[exception(Kind.UNAVAILABLE, times=(13, 15))],
        holidays=[],
    )

    # then
    assert intervals(rows) == [span(MONDAY, 9, 13), span(MONDAY, 15, 17)]


def test_time_off_at_another_location_leaves_this_one() -> None:
    # given
    rows = AvailabilityRows(
        hours=hours((9, 17)),
        exceptions=[exception(Kind.SICK, location_id=ELSEWHERE)],
        holidays=[],
    )

    # then
    assert intervals(rows) == [span(MONDAY, 9, 17)]


def test_a_vacation_spanning_days_covers_each_day_of_the_window() -> None:
    # given
    week = [block for weekday in range(5) for block in hours((9, 17), weekday=weekday)]
    vacation = exception(Kind.VACATION)
    vacation.starts_on = MONDAY - dt.timedelta(days=3)
    vacation.ends_on = MONDAY + dt.timedelta(days=1)
    rows = AvailabilityRows(hours=week, exceptions=[vacation], holidays=[])

    # when
    found = intervals(rows, MONDAY, MONDAY + dt.timedelta(days=2))

    # then: Monday and Tuesday off, Wednesday worked
    wednesday = MONDAY + dt.timedelta(days=2)
    assert found == [span(wednesday, 9, 17)]


def test_an_extra_shift_adds_a_day_and_extends_another() -> None:
    # given
    saturday_shift = exception(Kind.EXTRA_SHIFT, times=(10, 14), location_id=HERE)
    saturday_shift.starts_on = saturday_shift.ends_on = SATURDAY
    evening = exception(Kind.EXTRA_SHIFT, times=(17, 20), location_id=HERE)
    elsewhere = exception(Kind.EXTRA_SHIFT, times=(7, 9), location_id=ELSEWHERE)
    rows = AvailabilityRows(
        hours=hours((9, 17)),
        exceptions=[saturday_shift, evening, elsewhere],
        holidays=[],
    )

    # then
    assert intervals(rows, MONDAY, SATURDAY) == [
        span(MONDAY, 9, 20),
        span(SATURDAY, 10, 14),
    ]


def test_an_extra_shift_on_a_vacation_day_counts_but_not_on_a_holiday() -> None:
    # given
    shift = exception(Kind.EXTRA_SHIFT, times=(10, 12), location_id=HERE)
    vacation = AvailabilityRows(
        hours=hours((9, 17)),
        exceptions=[exception(Kind.VACATION), shift],
        holidays=[],
    )
    holiday = AvailabilityRows(
        hours=hours((9, 17)),
        exceptions=[shift],
        holidays=[ClinicHoliday(name="Holiday", on=MONDAY)],
    )

    # then
    assert intervals(vacation) == [span(MONDAY, 10, 12)]
    assert intervals(holiday) == []


# --- wall-clock stepping ---------------------------------------------------------


def _labels(starts: list[dt.datetime], tz: dt.tzinfo) -> list[str]:
    return [f"{s.astimezone(tz):%H:%M%z}" for s in starts]


def test_steps_start_on_the_quarter_hour_and_the_visit_fits() -> None:
    # given: hours from 09:10 to 10:30
    working = Interval(at(MONDAY, 9, 10), at(MONDAY, 10, 30))

    # when
    starts = list(
        wall_clock_starts(
            working, tz=TORONTO, duration=dt.timedelta(minutes=45), step_minutes=15
        )
    )

    # then
    assert _labels(starts, TORONTO) == ["09:15-0500", "09:30-0500", "09:45-0500"]


def test_spring_forward_in_toronto_skips_the_missing_hour() -> None:
    # given: 9 March 2031, clocks go from 02:00 to 03:00
    day = dt.date(2031, 3, 9)
    working = Interval(at(day, 1), at(day, 4))

    # when
    starts = list(
        wall_clock_starts(
            working, tz=TORONTO, duration=dt.timedelta(minutes=30), step_minutes=30
        )
    )

    # then
    assert _labels(starts, TORONTO) == [
        "01:00-0500",
        "01:30-0500",
        "03:00-0400",
        "03:30-0400",
    ]


def test_fall_back_in_vancouver_offers_the_repeated_hour_once() -> None:
    # given: 2 November 2031, clocks go from 02:00 back to 01:00
    day = dt.date(2031, 11, 2)
    working = Interval(at(day, 0, tz=VANCOUVER), at(day, 3, tz=VANCOUVER))

    # when
    starts = list(
        wall_clock_starts(
            working, tz=VANCOUVER, duration=dt.timedelta(minutes=30), step_minutes=30
        )
    )

    # then: four hours of real time, the 01:00 hour offered in its first pass
    assert _labels(starts, VANCOUVER) == [
        "00:00-0700",
        "00:30-0700",
        "01:00-0700",
        "01:30-0700",
        "02:00-0800",
        "02:30-0800",
    ]


@pytest.mark.parametrize(
    ("day", "tz"),
    [
        (dt.date(2031, 3, 9), TORONTO),
        (dt.date(2031, 3, 9), VANCOUVER),
        (dt.date(2031, 11, 2), TORONTO),
        (dt.date(2031, 11, 2), VANCOUVER),
    ],
)
def test_daytime_hours_on_a_dst_day_keep_their_wall_clock(
    day: dt.date, tz: dt.tzinfo
) -> None:
    # given: a Sunday shift 09:00-11:00 on the day the clocks change
    working = Interval(at(day, 9, tz=tz), at(day, 11, tz=tz))

    # when
    starts = list(
        wall_clock_starts(
            working, tz=tz, duration=dt.timedelta(minutes=60), step_minutes=30
        )
    )

    # then
    assert [f"{s.astimezone(tz):%H:%M}" for s in starts] == ["09:00", "09:30", "10:00"]


def test_the_search_reads_bookings_a_week_first_then_the_rest() -> None:
    # when
    chunks = list(search_chunks(MONDAY, MONDAY + dt.timedelta(days=29)))
    short = list(search_chunks(MONDAY, MONDAY + dt.timedelta(days=2)))

    # then
    assert [(a.day, b.day) for a, b in chunks] == [(3, 9), (10, 1)]
    assert [(a.day, b.day) for a, b in short] == [(3, 5)]
