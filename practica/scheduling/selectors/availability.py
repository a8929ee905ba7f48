"""The availability engine: when a provider works, and the first free slots.

It is the one source of truth for the calendar, the booking form, the bench and
(later) online booking. The algorithm is pure functions over loaded rows
(interval merging and subtraction, wall-clock stepping); the loaders read a
fixed number of queries whatever the length of the clinic's history, because
every appointment query is bounded by the window (with the MAX_BUSY_MINUTES
lower bound on busy_from).

Working time of a provider at a location on a local date:
    (weekly hours there - time off) + extra shifts there - clinic holidays.
Weekly hours are several blocks a day (the gaps are breaks). Time off
(vacation, sick, unavailable) applies at every location unless it names one;
an extra shift on a day off or vacation day brings the provider in; a holiday
(of the whole clinic or of this location) closes it for everyone.

A slot is a visit start on the local wall clock (:00, :15... in steps of
`step_minutes`, so the steps follow the local time across a daylight-saving
change). It is offered when the visit lies inside one working interval, the
busy span (the visit widened by the type's buffers) overlaps no active
appointment of the provider anywhere, and, if the type needs a kind of room, a
room of that kind at the location is free over the busy span. Buffers may reach
outside working time (a tidy-up after the last visit is fine).

All intervals are in UTC; slots are given in the location's time zone.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from practica.patients.models import Patient
from practica.scheduling.errors import OutsideWorkingHoursError, TypeNotOfferedError
from practica.scheduling.models import (
    MAX_BUSY_MINUTES,
    Appointment,
    AppointmentType,
    AvailabilityException,
    ClinicHoliday,
    Provider,
    Room,
    WorkingHours,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
TIME_OFF_KINDS = frozenset(
    {
        AvailabilityException.Kind.VACATION,
        AvailabilityException.Kind.SICK,
        AvailabilityException.Kind.UNAVAILABLE,
    }
)
# The longest buffer a type may have (AppointmentType's check constraint).
MAX_BUFFER_MINUTES = 120
# How many days each read of bookings covers, in turn (then all the rest):
# one read of a week costs less than two of a day and six (bench/RESULTS.md).
CHUNK_DAYS = (7,)
# A patient who never came (cancelled, late-cancelled, no-show) is still new.
NOT_SEEN = Appointment.RELEASING
# Row timestamps the engine never reads: parsing them is most of the cost of
# loading the small set-up tables (bench/RESULTS.md).
UNUSED_FIELDS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Interval:
    """A span of time: aware datetimes, start < end (the engine uses UTC)."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Slot:
    """A free start for a visit with `provider`, in `room` if the type needs one."""

    start_at: dt.datetime
    end_at: dt.datetime
    provider: Provider
    room: Room | None


@dataclass(frozen=True)
class AvailabilityRows:
    """What working time is computed from, for some providers at one location."""

    hours: Sequence[WorkingHours]
    exceptions: Sequence[AvailabilityException]
    holidays: Sequence[ClinicHoliday]


# --- pure interval arithmetic ---------------------------------------------------


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract_intervals(
    intervals: Iterable[Interval], holes: Iterable[Interval]
) -> list[Interval]:
    """`intervals` minus every hole, sorted and merged."""
    remaining = merge_intervals(intervals)
    for hole in merge_intervals(holes):
        cut: list[Interval] = []
        for interval in remaining:
            if hole.end <= interval.start or hole.start >= interval.end:
                cut.append(interval)
                continue
            if interval.start < hole.start:
                cut.append(Interval(interval.start, hole.start))
            if hole.end < interval.end:
                cut.append(Interval(hole.end, interval.end))
        remaining = cut
    return remaining


def contains(
    intervals: Sequence[Interval], start: dt.datetime, end: dt.datetime
) -> bool:
    """Whether [start, end) lies inside one of the sorted, merged intervals."""
    index = bisect.bisect_right([i.start for i in intervals], start) - 1
    return index >= 0 and intervals[index].end >= end


class BusyIndex:
    """Sorted, merged busy spans, asked "does [start, end) overlap any?"."""

    def __init__(self, spans: Iterable[Interval]) -> None:
        self.spans = merge_intervals(spans)
        self.starts = [span.start for span in self.spans]

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.spans[index].end > start


def wall_clock(day: dt.date, at: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time (in a skipped hour, the
    instant the clock would show had it not jumped)."""
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_span(
    day: dt.date, start: dt.time | None, end: dt.time | None, tz: dt.tzinfo
) -> Interval:
    """A local day's span from `start` to `end`; no times = the whole day."""
    if start is None or end is None:
        return Interval(
            wall_clock(day, dt.time(0), tz), wall_clock(day + ONE_DAY, dt.time(0), tz)
        )
    return Interval(wall_clock(day, start, tz), wall_clock(day, end, tz))


def days_between(start_on: dt.date, end_on: dt.date) -> Iterator[dt.date]:
    day = start_on
    while day <= end_on:
        yield day
        day += ONE_DAY


def provider_intervals(
    rows: AvailabilityRows,
    *,
    provider_id: int,
    location_id: int,
    tz: dt.tzinfo,
    start_on: dt.date,
    end_on: dt.date,
) -> list[Interval]:
    """Working time of one provider at one location over local dates
    start_on..end_on (inclusive), from loaded rows: no queries."""
    weekly: dict[int, list[WorkingHours]] = {}
    for block in rows.hours:
        if block.provider_id == provider_id and block.location_id == location_id:
            weekly.setdefault(block.weekday, []).append(block)
    working: list[Interval] = []
    off: list[Interval] = []
    extra: list[Interval] = []
    closed: list[Interval] = []
    for day in days_between(start_on, end_on):
        working.extend(
            local_span(day, block.start_time, block.end_time, tz)
            for block in weekly.get(day.weekday(), ())
        )
    for exception in rows.exceptions:
        if exception.provider_id != provider_id:
            continue
        first = max(exception.starts_on, start_on)
        last = min(exception.ends_on, end_on)
        if exception.kind == AvailabilityException.Kind.EXTRA_SHIFT:
            if exception.location_id != location_id:
                continue
            target = extra
        elif exception.location_id in (None, location_id):
            target = off
        else:
            continue
        target.extend(
            local_span(day, exception.start_time, exception.end_time, tz)
            for day in days_between(first, last)
        )
    for holiday in rows.holidays:
        if holiday.location_id in (None, location_id) and (
            start_on <= holiday.on <= end_on
        ):
            closed.append(local_span(holiday.on, None, None, tz))
    kept = subtract_intervals(working, off)
    return subtract_intervals([*kept, *extra], closed)


def wall_clock_starts(
    interval: Interval,
    *,
    tz: dt.tzinfo,
    duration: dt.timedelta,
    step_minutes: int,
) -> Iterator[dt.datetime]:
    """Visit starts (UTC) inside `interval` on the local step grid (minutes
    since local midnight divisible by `step_minutes`), whose visit of
    `duration` ends inside it. Wall-clock times the clocks skip are left out;
    a repeated hour is offered once."""
    local_start = interval.start.astimezone(tz).replace(tzinfo=None)
    midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    step = dt.timedelta(minutes=step_minutes)
    naive = midnight + step * -(-(local_start - midnight) // step)
    if (
        interval.start.astimezone(tz).utcoffset()
        == interval.end.astimezone(tz).utcoffset()
    ):
        # No clock change inside: local steps are UTC steps (the common, fast case).
        instant = naive.replace(tzinfo=tz).astimezone(UTC)
        while instant + duration <= interval.end:
            yield instant
            instant += step
        return
    last = dt.datetime.min.replace(tzinfo=UTC)
    while True:
        aware = naive.replace(tzinfo=tz)
        instant = aware.astimezone(UTC)
        naive += step
        if instant.astimezone(tz).replace(tzinfo=None) != aware.replace(tzinfo=None):
            continue  # skipped by the clocks going forward
        if instant + duration > interval.end:
            return
        if instant < interval.start or instant <= last:
            continue
        last = instant
        yield instant


# --- loading ---------------------------------------------------------------------


def load_rows(
    *,
    clinic_id: int,
    location: Location,
    provider_ids: Sequence[int],
    start_on: dt.date,
    end_on: dt.date,
) -> AvailabilityRows:
    """Three queries: weekly hours, exceptions and holidays touching the dates."""
    hours = list(
        WorkingHours.objects.filter(
            clinic_id=clinic_id, location=location, provider_id__in=provider_ids
        )
        .defer(*UNUSED_FIELDS)
        .order_by("weekday", "start_time")
    )
    exceptions = list(
        AvailabilityException.objects.filter(
            clinic_id=clinic_id,
            provider_id__in=provider_ids,
            starts_on__lte=end_on,
            ends_on__gte=start_on,
        )
        .defer(*UNUSED_FIELDS)
        .order_by("starts_on", "pk")
    )
    holidays = list(
        ClinicHoliday.objects.filter(
            Q(location__isnull=True) | Q(location=location),
            clinic_id=clinic_id,
            on__gte=start_on,
            on__lte=end_on,
        )
        .defer(*UNUSED_FIELDS)
        .order_by("on", "pk")
    )
    return AvailabilityRows(hours=hours, exceptions=exceptions, holidays=holidays)


def working_intervals(
    *,
    clinic_id: int,
    location: Location,
    providers: Sequence[Provider],
    start_on: dt.date,
    end_on: dt.date,
) -> dict[int, list[Interval]]:
    """Per provider id: when each works at `location` on the local dates
    start_on..end_on (inclusive): weekly hours (gaps = breaks), minus clinic
    holidays (whole clinic or this location), minus unavailable exceptions
    (vacation/sick/unavailable, whole day or times), plus extra shifts at this
    location. Sorted, merged, UTC. Three queries."""
    rows = load_rows(
        clinic_id=clinic_id,
        location=location,
        provider_ids=[p.pk for p in providers],
        start_on=start_on,
        end_on=end_on,
    )
    tz = location.tz
    return {
        provider.pk: provider_intervals(
            rows,
            provider_id=provider.pk,
            location_id=location.pk,
            tz=tz,
            start_on=start_on,
            end_on=end_on,
        )
        for provider in providers
    }


def providers_offering(
    *, clinic_id: int, appointment_type: AppointmentType
) -> list[Provider]:
    """Active providers who offer the type (none listed = every type), by name."""
    return list(
        Provider.objects.filter(clinic_id=clinic_id, is_active=True)
        .filter(
            Q(offered_types=appointment_type) | Q(offered_types__isnull=True),
        )
        .distinct()
        .defer(*UNUSED_FIELDS)
        .order_by("display_name", "pk")
    )


def suits_patient(*, appointment_type: AppointmentType, patient: Patient) -> bool:
    """New-patient types suit a patient never seen (no appointment that was not
    cancelled or missed); returning types the others. One query at most."""
    if appointment_type.patient_kind == AppointmentType.PatientKind.ANY:
        return True
    seen = (
        Appointment.objects.filter(clinic_id=patient.clinic_id, patient=patient)
        .exclude(status__in=NOT_SEEN)
        .exists()
    )
    return seen == (
        appointment_type.patient_kind == AppointmentType.PatientKind.RETURNING
    )


@dataclass(frozen=True)
class BusyRows:
    """Busy spans in a window: per provider id and per room id."""

    providers: dict[int, BusyIndex]
    rooms: dict[int, BusyIndex]


def load_busy(
    *,
    clinic_id: int,
    provider_ids: Sequence[int],
    room_ids: Sequence[int],
    window: Interval,
) -> BusyRows:
    """One query: the active busy spans of these providers (anywhere) and rooms
    that overlap the window.

    Each branch of the OR carries the range its index reads: the providers'
    by start_at (`appt_provider_start_idx`; a start is at most one buffer
    after its busy_from), the rooms' by busy_from (`appt_room_busy_idx`), so
    neither walks the clinic's whole history."""
    lowest = window.start - dt.timedelta(minutes=MAX_BUSY_MINUTES)
    by_provider_start = Q(
        provider_id__in=provider_ids,
        start_at__gt=lowest,
        start_at__lt=window.end + dt.timedelta(minutes=MAX_BUFFER_MINUTES),
    )
    by_room_busy = Q(room_id__in=room_ids, busy_from__gt=lowest)
    rows = (
        Appointment.objects.filter(
            by_provider_start | by_room_busy,
            clinic_id=clinic_id,
            busy_from__lt=window.end,
            busy_from__gt=lowest,
            busy_until__gt=window.start,
        )
        .exclude(status__in=Appointment.RELEASING)
        .order_by()  # BusyIndex sorts; the database need not
        .values_list("provider_id", "room_id", "busy_from", "busy_until")
    )
    by_provider: dict[int, list[Interval]] = {pk: [] for pk in provider_ids}
    by_room: dict[int, list[Interval]] = {pk: [] for pk in room_ids}
    for provider_id, room_id, busy_from, busy_until in rows:
        span = Interval(busy_from, busy_until)
        if provider_id in by_provider:
            by_provider[provider_id].append(span)
        if room_id in by_room:
            by_room[room_id].append(span)
    return BusyRows(
        providers={pk: BusyIndex(spans) for pk, spans in by_provider.items()},
        rooms={pk: BusyIndex(spans) for pk, spans in by_room.items()},
    )


# --- the engine --------------------------------------------------------------------


def free_room(
    rooms: Sequence[Room], busy: BusyRows, start: dt.datetime, end: dt.datetime
) -> Room | None:
    """The first room (by name) free over [start, end), as booking picks it."""
    for room in rooms:
        if not busy.rooms[room.pk].overlaps(start, end):
            return room
    return None


def slots_on_day(
    *,
    day: dt.date,
    providers: Sequence[Provider],
    intervals: dict[int, list[Interval]],
    busy: BusyRows,
    rooms: Sequence[Room] | None,
    appointment_type: AppointmentType,
    tz: dt.tzinfo,
    step_minutes: int,
    not_before: dt.datetime,
) -> list[Slot]:
    """Every free slot starting on local `day`, in time order then provider
    name (providers come sorted by name). Pure."""
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    before = dt.timedelta(minutes=appointment_type.buffer_before_minutes)
    after = dt.timedelta(minutes=appointment_type.buffer_after_minutes)
    day_span = local_span(day, None, None, tz)
    found: list[tuple[dt.datetime, int, Slot]] = []
    for order, provider in enumerate(providers):
        for interval in intervals[provider.pk]:
            if interval.end <= day_span.start or interval.start >= day_span.end:
                continue
            for start in wall_clock_starts(
                interval, tz=tz, duration=duration, step_minutes=step_minutes
            ):
                if start < day_span.start or start < not_before:
                    continue
                if start >= day_span.end:
                    break
                busy_from, busy_until = start - before, start + duration + after
                if busy.providers[provider.pk].overlaps(busy_from, busy_until):
                    continue
                room = None
                if rooms is not None:
                    room = free_room(rooms, busy, busy_from, busy_until)
                    if room is None:
                        continue
                slot = Slot(
                    start_at=start.astimezone(tz),
                    end_at=(start + duration).astimezone(tz),
                    provider=provider,
                    room=room,
                )
                found.append((start, order, slot))
    found.sort(key=lambda item: (item[0], item[1]))
    return [slot for _, _, slot in found]


def find_slots(
    *,
    actor: Actor,
    appointment_type: AppointmentType,
    location: Location,
    start_on: dt.date,
    provider: Provider | None = None,
    patient: Patient | None = None,
    days: int = 30,
    limit: int = 20,
    step_minutes: int = 15,
    not_before: dt.datetime | None = None,
) -> list[Slot]:
    """First `limit` free starts for the type, any provider who offers it (or
    `provider`), at `location`, from local date `start_on` for `days` days, in
    time order (ties by provider name).

    Group types (capacity > 1) have none: classes are scheduled, not slotted.
    The query count does not depend on the history: the providers, the
    patient's newness, the rooms, hours, exceptions and holidays (six at most),
    then the busy spans of the first week (seven), and only if that week has
    too few free slots those of the rest (eight at most).
    """
    clinic_id = actor.clinic.pk
    if (
        appointment_type.clinic_id != clinic_id
        or location.clinic_id != clinic_id
        or appointment_type.is_group
        or not appointment_type.is_active
        or days < 1
        or limit < 1
    ):
        return []
    if patient is not None and not suits_patient(
        appointment_type=appointment_type, patient=patient
    ):
        return []
    providers = providers_offering(
        clinic_id=clinic_id, appointment_type=appointment_type
    )
    if provider is not None:
        providers = [p for p in providers if p.pk == provider.pk]
    if not providers:
        return []
    rooms: list[Room] | None = None
    if appointment_type.room_kind:
        rooms = list(
            Room.objects.filter(
                clinic_id=clinic_id,
                location=location,
                kind=appointment_type.room_kind,
                is_active=True,
            )
            .defer(*UNUSED_FIELDS)
            .order_by("name", "pk")
        )
        if not rooms:
            return []
    tz = location.tz
    end_on = start_on + dt.timedelta(days=days - 1)
    earliest = not_before if not_before is not None else timezone.now()
    first_day = max(start_on, earliest.astimezone(tz).date())
    if first_day > end_on:
        return []
    rows = load_rows(
        clinic_id=clinic_id,
        location=location,
        provider_ids=[p.pk for p in providers],
        start_on=first_day,
        end_on=end_on,
    )
    found: list[Slot] = []
    for chunk_start, chunk_end in search_chunks(first_day, end_on):
        intervals = {
            p.pk: provider_intervals(
                rows,
                provider_id=p.pk,
                location_id=location.pk,
                tz=tz,
                start_on=chunk_start,
                end_on=chunk_end,
            )
            for p in providers
        }
        window = Interval(
            local_span(chunk_start, None, None, tz).start
            - dt.timedelta(minutes=appointment_type.buffer_before_minutes),
            local_span(chunk_end, None, None, tz).end
            + dt.timedelta(
                minutes=appointment_type.duration_minutes
                + appointment_type.buffer_after_minutes
            ),
        )
        busy = load_busy(
            clinic_id=clinic_id,
            provider_ids=[p.pk for p in providers],
            room_ids=[room.pk for room in rooms or ()],
            window=window,
        )
        for day in days_between(chunk_start, chunk_end):
            found.extend(
                slots_on_day(
                    day=day,
                    providers=providers,
                    intervals=intervals,
                    busy=busy,
                    rooms=rooms,
                    appointment_type=appointment_type,
                    tz=tz,
                    step_minutes=step_minutes,
                    not_before=earliest,
                )
            )
            if len(found) >= limit:
                return found[:limit]
    return found


def search_chunks(
    start_on: dt.date, end_on: dt.date
) -> Iterator[tuple[dt.date, dt.date]]:
    """The days searched, in chunks (a week, then the rest): a busy clinic's
    first free slots are usually within the week, so the bookings of
    the whole month need not be read."""
    first = start_on
    for length in CHUNK_DAYS:
        if first > end_on:
            return
        last = min(first + dt.timedelta(days=length - 1), end_on)
        yield first, last
        first = last + ONE_DAY
    if first <= end_on:
        yield first, end_on


# --- checking one booking ------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """'Tuesday 3 March'."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B}"


def check_offered(*, provider: Provider, appointment_type: AppointmentType) -> None:
    """Refuse a type the provider does not offer (none listed = every type).
    Not overridable: it says what the provider does, not when."""
    offered = list(provider.offered_types.values_list("pk", flat=True))
    if offered and appointment_type.pk not in offered:
        raise TypeNotOfferedError(
            f"{provider.display_name} does not offer {appointment_type.name}."
        )


def _time_off_reason(
    provider: Provider, exception: AvailabilityException, day: dt.date
) -> str:
    when = long_date(day)
    if exception.start_time is not None and exception.end_time is not None:
        when += f" from {exception.start_time:%H:%M} to {exception.end_time:%H:%M}"
    if exception.kind == AvailabilityException.Kind.VACATION:
        return f"{provider.display_name} is on vacation on {when}."
    if exception.kind == AvailabilityException.Kind.SICK:
        return f"{provider.display_name} is off sick on {when}."
    return f"{provider.display_name} is unavailable on {when}."


def check_working_time(
    *,
    provider: Provider,
    location: Location,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> None:
    """Refuse a visit that is not inside the provider's working time at the
    location, saying why: a holiday, time off, or simply not their hours.
    Three queries."""
    tz = location.tz
    local_start = start_at.astimezone(tz)
    local_end = end_at.astimezone(tz)
    first_day, last_day = local_start.date(), local_end.date()
    rows = load_rows(
        clinic_id=provider.clinic_id,
        location=location,
        provider_ids=[provider.pk],
        start_on=first_day,
        end_on=last_day,
    )
    intervals = provider_intervals(
        rows,
        provider_id=provider.pk,
        location_id=location.pk,
        tz=tz,
        start_on=first_day,
        end_on=last_day,
    )
    start, end = start_at.astimezone(UTC), end_at.astimezone(UTC)
    if contains(intervals, start, end):
        return
    for holiday in rows.holidays:
        if first_day <= holiday.on <= last_day:
            place = "The clinic" if holiday.location_id is None else location.name
            raise OutsideWorkingHoursError(
                f"{place} is closed on {long_date(holiday.on)} ({holiday.name})."
            )
    for exception in rows.exceptions:
        if exception.kind not in TIME_OFF_KINDS or exception.location_id not in (
            None,
            location.pk,
        ):
            continue
        for day in days_between(
            max(exception.starts_on, first_day), min(exception.ends_on, last_day)
        ):
            span = local_span(day, exception.start_time, exception.end_time, tz)
            if span.start < end and start < span.end:
                raise OutsideWorkingHoursError(
                    _time_off_reason(provider, exception, day)
                )
    raise OutsideWorkingHoursError(
        f"{provider.display_name} does not work at {location.name} on "
        f"{WEEKDAY_NAMES[local_start.weekday()]} from "
        f"{local_start:%H:%M} to {local_end:%H:%M}."
    )


def check_bookable(
    *,
    provider: Provider,
    location: Location,
    appointment_type: AppointmentType,
    start_at: dt.datetime,
    end_at: dt.datetime,
) -> None:
    """Raise OutsideWorkingHoursError with a clear reason when the provider
    cannot see this type at this time: they do not offer it
    (TypeNotOfferedError, a subclass), the clinic is closed, they are on time
    off, or it is outside their hours. Clashes and rooms are `rules.place`'s."""
    check_offered(provider=provider, appointment_type=appointment_type)
    check_working_time(
        provider=provider, location=location, start_at=start_at, end_at=end_at
    )
