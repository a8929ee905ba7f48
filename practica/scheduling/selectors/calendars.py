"""The day and week calendars: what the schedule pages show.

The calendars run a fixed number of queries whatever the number of providers or
appointments. The week: its appointments with patient, type and provider joined
(one query). The day: its appointments with type and provider joined, their
patients' names, and the providers with their hours at the location (four
queries). Both read plain values rather than model instances, and hand the
template the strings it prints: a busy week or day has hundreds of lines or
slots. Times are positioned by wall-clock time in the location's time zone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.urls import reverse

from practica.audit.services import record_view
from practica.patients.models import Patient
from practica.scheduling.models import (
    Appointment,
    Provider,
    WorkingHours,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

SLOT_MINUTES = 15
DEFAULT_DAY_START = dt.time(8, 0)
DEFAULT_DAY_END = dt.time(18, 0)
MINUTES_PER_DAY = 24 * 60


# --- calendars -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlacedAppointment:
    """An appointment on the day grid, as the strings the template prints."""

    row: int
    span: int
    status: str
    url: str
    time_range: str
    patient_name: str
    type_name: str
    status_label: str


@dataclass(frozen=True, slots=True)
class ReleasedAppointment:
    """A line of the day's cancelled and no-show list."""

    status: str
    url: str
    time_label: str
    provider_name: str
    patient_name: str
    status_label: str


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable quarter hour of a provider's column.

    A day has a few hundred of them: the labels are worked out here, not by
    template tags per slot.
    """

    row: int
    is_working: bool
    # The classes: "cal-slot cal-r<row> is-working" (or "is-off").
    css: str
    # The local start, as the booking form's ?start= value and as a label.
    start_param: str
    label: str
    # "Book <provider> at <label>".
    book_label: str


@dataclass(frozen=True)
class TimeRow:
    row: int
    label: str
    is_hour: bool


@dataclass(frozen=True)
class DayColumn:
    provider: Provider
    # The provider's id as the booking form's ?provider= value. A string: the
    # template prints it on every slot, and printing a number localises it.
    provider_param: str
    hours: list[WorkingHours]
    slots: list[Slot]
    appointments: list[PlacedAppointment]


@dataclass(frozen=True)
class CalendarDay:
    location: Location
    day: dt.date
    rows: list[TimeRow]
    columns: list[DayColumn]
    released: list[ReleasedAppointment]
    # The location's id as the booking form's ?location= value (see DayColumn).
    location_param: str

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WeekEntry:
    """One line of the week list, as the strings the template prints.

    With a few hundred lines, building model instances for each appointment
    and its patient, type and provider, and the filters and tags the template
    ran per line, were most of the page's time; every value is worked out
    here instead, and the template only prints (and escapes) them.
    """

    status: str
    url: str
    time_label: str
    patient_name: str
    # The type, and the status when the appointment no longer holds the time.
    detail: str


@dataclass(frozen=True, slots=True)
class ProviderDay:
    provider_name: str
    colour: str
    entries: list[WeekEntry]


@dataclass(frozen=True)
class WeekDay:
    day: dt.date
    groups: list[ProviderDay]


@dataclass(frozen=True)
class CalendarWeek:
    location: Location
    week_start: dt.date
    days: list[WeekDay]

    @property
    def previous_week(self) -> dt.date:
        return self.week_start - dt.timedelta(days=7)

    @property
    def next_week(self) -> dt.date:
        return self.week_start + dt.timedelta(days=7)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def _utc_bounds(
    first: dt.date, days: int, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """The local days [first, first + days) as UTC instants."""
    start = _local_midnight(first, tz).astimezone(dt.UTC)
    end = _local_midnight(first + dt.timedelta(days=days), tz).astimezone(dt.UTC)
    return start, end


# What the day calendar shows of an appointment and its related rows, read as
# plain values (no model instances), in this order; the patient's name is read
# apart (see _day_rows).
DAY_COLUMNS = (
    "id",
    "start_at",
    "end_at",
    "status",
    "provider_id",
    "provider__display_name",
    "patient_id",
    "appointment_type__name",
)

DayRow = tuple[uuid.UUID, dt.datetime, dt.datetime, str, int, str, uuid.UUID, str, str]


def _day_rows(actor: Actor, location: Location, day: dt.date) -> list[DayRow]:
    """The appointments overlapping the local `day`, as DAY_COLUMNS followed by
    the patient's name, ordered by start and provider.

    Two queries. The overlap filter has no lower bound on `start_at`, so
    PostgreSQL expects far more rows than a day holds (every future
    appointment ends after the day starts) and, joining patients, hashes the
    clinic's whole patient table (about 70 ms at 50k patients); the day's
    patients are read by primary key instead.
    """
    start, end = _utc_bounds(day, 1, location.tz)
    rows = list(
        Appointment.objects.filter(
            clinic=actor.clinic, location=location, start_at__lt=end, end_at__gt=start
        )
        .order_by("start_at", "provider__display_name")
        .values_list(*DAY_COLUMNS)
    )
    if not rows:
        return []
    # As Patient.full_name.
    names = {
        pk: f"{first} {last}"
        for pk, first, last in Patient.objects.filter(
            clinic=actor.clinic, pk__in={row[6] for row in rows}
        ).values_list("pk", "first_name", "last_name")
    }
    return [(*row, names[row[6]]) for row in rows]


# What the week list shows of an appointment and its related rows, read as
# plain values (no model instances), in this order.
WEEK_COLUMNS = (
    "id",
    "start_at",
    "status",
    "provider_id",
    "provider__display_name",
    "provider__colour",
    "patient__first_name",
    "patient__last_name",
    "appointment_type__name",
)

STATUS_LABELS: dict[str, str] = {
    str(value): str(label) for value, label in Appointment.Status.choices
}


def _appointment_url_maker() -> Callable[[uuid.UUID], str]:
    """`reverse` once, then substitute each appointment's id into the path."""
    placeholder = str(uuid.UUID(int=0))
    path = reverse("scheduling:appointment-detail", args=[placeholder])
    return lambda pk: path.replace(placeholder, str(pk))


def _record_schedule_view(
    actor: Actor, location: Location, shown: int, period: str
) -> None:
    """A calendar shows many patients' names: one view entry per page shown."""
    if shown:
        record_view(
            actor=actor,
            obj=location,
            patient_id=None,
            detail=f"schedule {period} appointments={shown}",
        )


def _wall_minutes(moment: dt.datetime, day: dt.date) -> int:
    """Minutes from the local midnight of `day`, by the wall clock."""
    offset_days = (moment.date() - day).days
    return offset_days * MINUTES_PER_DAY + moment.hour * 60 + moment.minute


def calendar_day(*, actor: Actor, location: Location, day: dt.date) -> CalendarDay:
    tz = location.tz
    appointments = _day_rows(actor, location, day)
    booked_provider_ids = {row[4] for row in appointments}
    providers = list(
        Provider.objects.filter(clinic=actor.clinic)
        .filter(
            Q(is_active=True, working_hours__location=location)
            | Q(pk__in=booked_provider_ids)
        )
        .distinct()
        .order_by("display_name")
        .prefetch_related(
            Prefetch(
                "working_hours",
                queryset=WorkingHours.objects.filter(
                    location=location, weekday=day.weekday()
                ).order_by("start_time"),
                to_attr="hours_today",
            )
        )
    )
    _record_schedule_view(actor, location, len(appointments), f"day {day.isoformat()}")
    url_for = _appointment_url_maker()
    releasing = Appointment.RELEASING
    # (row, local start, local end) of the appointments holding their time.
    active: list[tuple[DayRow, dt.datetime, dt.datetime]] = []
    released: list[ReleasedAppointment] = []
    for row in appointments:
        pk, start_at, end_at, status, _, provider_name, _, _, patient_name = row
        local_start = start_at.astimezone(tz)
        if status in releasing:
            released.append(
                ReleasedAppointment(
                    status=status,
                    url=url_for(pk),
                    time_label=f"{local_start:%H:%M}",
                    provider_name=provider_name,
                    patient_name=patient_name,
                    status_label=STATUS_LABELS[status],
                )
            )
        else:
            active.append((row, local_start, end_at.astimezone(tz)))

    # The grid runs from the earliest start to the latest end of the day's
    # hours, widened to show any appointment booked outside them.
    starts: list[int] = []
    ends: list[int] = []
    for provider in providers:
        for block in provider.hours_today:
            starts.append(_minutes(block.start_time))
            ends.append(_minutes(block.end_time))
    for _, local_start, local_end in active:
        starts.append(max(0, _wall_minutes(local_start, day)))
        ends.append(min(MINUTES_PER_DAY, _wall_minutes(local_end, day)))
    first = min(starts, default=_minutes(DEFAULT_DAY_START))
    last = max(ends, default=_minutes(DEFAULT_DAY_END))
    first -= first % SLOT_MINUTES
    last += -last % SLOT_MINUTES
    last = max(last, first + SLOT_MINUTES)
    row_count = (last - first) // SLOT_MINUTES

    rows: list[TimeRow] = []
    row_starts: list[int] = []
    for index in range(row_count):
        minute = first + index * SLOT_MINUTES
        row_starts.append(minute)
        rows.append(
            TimeRow(
                row=index + 1,
                label=f"{minute // 60:02d}:{minute % 60:02d}",
                is_hour=minute % 60 == 0,
            )
        )

    by_provider: dict[int, list[PlacedAppointment]] = {p.pk: [] for p in providers}
    for row, local_start, local_end in active:
        pk, _, _, status, provider_id, _, _, type_name, patient_name = row
        start_min = max(first, _wall_minutes(local_start, day))
        end_min = min(last, _wall_minutes(local_end, day))
        by_provider.setdefault(provider_id, []).append(
            PlacedAppointment(
                row=(start_min - first) // SLOT_MINUTES + 1,
                span=max(1, -(-(end_min - start_min) // SLOT_MINUTES)),
                status=status,
                url=url_for(pk),
                time_range=f"{local_start:%H:%M}\u2013{local_end:%H:%M}",
                patient_name=patient_name,
                type_name=type_name,
                status_label=STATUS_LABELS[status],
            )
        )

    day_iso = day.isoformat()
    labels = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in row_starts]
    columns: list[DayColumn] = []
    for provider in providers:
        hours: list[WorkingHours] = provider.hours_today
        spans = [(_minutes(h.start_time), _minutes(h.end_time)) for h in hours]
        slots: list[Slot] = []
        for index, minute in enumerate(row_starts):
            is_working = any(
                s <= minute and minute + SLOT_MINUTES <= e for s, e in spans
            )
            label = labels[index]
            slots.append(
                Slot(
                    row=index + 1,
                    is_working=is_working,
                    css=f"cal-slot cal-r{index + 1} "
                    + ("is-working" if is_working else "is-off"),
                    start_param=f"{day_iso}T{label}",
                    label=label,
                    book_label=f"Book {provider.display_name} at {label}",
                )
            )
        columns.append(
            DayColumn(
                provider=provider,
                provider_param=str(provider.pk),
                hours=hours,
                slots=slots,
                appointments=by_provider[provider.pk],
            )
        )
    return CalendarDay(
        location=location,
        day=day,
        rows=rows,
        columns=columns,
        released=released,
        location_param=str(location.pk),
    )


def calendar_week(
    *, actor: Actor, location: Location, week_start: dt.date
) -> CalendarWeek:
    """Seven days from the Monday of `week_start`; appointments per provider.

    The week lists each appointment under the local day it starts on, so only
    those starting in the week are read (and counted in the audit), through
    the (clinic, start_at) index.
    """
    monday = week_start - dt.timedelta(days=week_start.weekday())
    tz = location.tz
    start, end = _utc_bounds(monday, 7, tz)
    rows = list(
        Appointment.objects.filter(
            clinic=actor.clinic,
            location=location,
            start_at__gte=start,
            start_at__lt=end,
        )
        .order_by("start_at", "provider__display_name")
        .values_list(*WEEK_COLUMNS)
    )
    _record_schedule_view(actor, location, len(rows), f"week {monday.isoformat()}")
    per_day: dict[dt.date, dict[int, ProviderDay]] = {
        monday + dt.timedelta(days=i): {} for i in range(7)
    }
    url_for = _appointment_url_maker()
    released = Appointment.RELEASING
    for pk, start_at, status, provider_id, name, colour, first, last, kind in rows:
        local_start = start_at.astimezone(tz)
        groups = per_day.get(local_start.date())
        if groups is None:  # a zone whose midnight is skipped by a DST change
            continue
        group = groups.get(provider_id)
        if group is None:
            group = groups[provider_id] = ProviderDay(
                provider_name=name, colour=colour, entries=[]
            )
        group.entries.append(
            WeekEntry(
                status=status,
                url=url_for(pk),
                time_label=f"{local_start:%H:%M}",
                # As Patient.full_name.
                patient_name=f"{first} {last}",
                detail=(
                    f"{kind} \u00b7 {STATUS_LABELS[status]}"
                    if status in released
                    else kind
                ),
            )
        )
    days = [
        WeekDay(
            day=day,
            groups=sorted(groups.values(), key=lambda g: g.provider_name),
        )
        for day, groups in per_day.items()
    ]
    return CalendarWeek(location=location, week_start=monday, days=days)
