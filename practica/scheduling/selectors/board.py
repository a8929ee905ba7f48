"""The calendar board: its columns (providers) and the events it draws.

The board is drawn in the browser by the vendored EventCalendar library; the
page hands it the providers of the location (its resource columns) and the
library reads the events of the dates it shows from `board_events`, as JSON.

`board_events` runs a fixed number of queries whatever the number of
appointments: the appointments of the window with their type joined, their
patients' names read by primary key, the head counts of the window's classes,
the providers' working intervals and the clinic holidays. Every read of
appointments is bounded below on `busy_from` (the indexed column of the
exclusion constraints) by the window's start less MAX_BUSY_MINUTES, so the
query never scans the clinic's history.

Times are sent as the location's local wall-clock time with its UTC offset:
the board shows a location's day as the people there see it, wherever the
browser is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse

from practica.audit.services import record_view
from practica.patients.models import Patient
from practica.scheduling.models import (
    MAX_BUSY_MINUTES,
    Appointment,
    Attendance,
    AttendanceStatus,
    ClinicHoliday,
    Provider,
    WorkingHours,
)
from practica.scheduling.selectors.availability import working_intervals
from practica.scheduling.services.rules import MOVABLE
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# The widest window one request may ask for: a month view's six weeks.
MAX_WINDOW_DAYS = 42
DEFAULT_DAY_START = dt.time(8, 0)
DEFAULT_DAY_END = dt.time(18, 0)

STATUS_LABELS: dict[str, str] = {
    str(value): str(label) for value, label in Appointment.Status.choices
}
# Class attendees who gave their place back do not count against capacity.
GAVE_UP_PLACE = (AttendanceStatus.CANCELLED, AttendanceStatus.LATE_CANCELLED)


# --- the page: columns and hours -----------------------------------------------


class BoardResource(TypedDict):
    """A provider's column, as the library's resource object."""

    id: str
    title: str
    colour: str


@dataclass(frozen=True)
class BoardSetup:
    resources: list[BoardResource]
    # The earliest start and latest end of the location's working hours, as
    # the library's slotMinTime / slotMaxTime ("HH:MM:SS").
    slot_min_time: str
    slot_max_time: str


def local_window(
    location: Location, start_on: dt.date, end_on: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """The local days [start_on, end_on) as aware instants."""
    tz = location.tz
    start = dt.datetime.combine(start_on, dt.time(0, 0), tzinfo=tz)
    end = dt.datetime.combine(end_on, dt.time(0, 0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _window_appointments(
    actor: Actor, location: Location, start: dt.datetime, end: dt.datetime
) -> Q:
    """Appointments of the location overlapping [start, end), bounded below on
    busy_from so the index on it limits the scan to the window."""
    return Q(
        clinic=actor.clinic,
        location=location,
        busy_from__gt=start - dt.timedelta(minutes=MAX_BUSY_MINUTES),
        busy_from__lt=end,
        start_at__lt=end,
        end_at__gt=start,
    )


def board_setup(
    *, actor: Actor, location: Location, start_on: dt.date, end_on: dt.date
) -> BoardSetup:
    """The provider columns of the location for the days [start_on, end_on):
    the active providers with hours there, and anyone booked there in those
    days (an appointment is never hidden for want of a column). Two queries.
    """
    start, end = local_window(location, start_on, end_on)
    booked = Appointment.objects.filter(
        _window_appointments(actor, location, start, end)
    ).values("provider_id")
    providers = list(
        Provider.objects.filter(clinic=actor.clinic)
        .filter(Q(is_active=True, working_hours__location=location) | Q(pk__in=booked))
        .distinct()
        .order_by("display_name", "pk")
        .values_list("pk", "display_name", "colour")
    )
    span = WorkingHours.objects.filter(
        clinic=actor.clinic, location=location
    ).aggregate(first=Min("start_time"), last=Max("end_time"))
    first: dt.time = span["first"] or DEFAULT_DAY_START
    last: dt.time = span["last"] or DEFAULT_DAY_END
    return BoardSetup(
        resources=[
            BoardResource(id=str(pk), title=name, colour=colour)
            for pk, name, colour in providers
        ],
        slot_min_time=f"{first.hour:02d}:00:00",
        slot_max_time=(
            "24:00:00"
            if last >= dt.time(23, 0)
            else f"{last.hour + (1 if last.minute else 0):02d}:00:00"
        ),
    )


# --- the events ------------------------------------------------------------------


class AppointmentEvent(TypedDict):
    """One appointment, as the board's JSON (and the library's event) reads it."""

    id: str
    resourceId: str
    start: str
    end: str
    title: str
    typeName: str
    colour: str
    status: str
    statusLabel: str
    url: str
    editable: bool
    # A cancelled or no-show appointment no longer holds its time: the list
    # shows it, the grid leaves its time free.
    released: bool


class BackgroundEvent(TypedDict):
    """Time that cannot be booked: outside hours, a break, a holiday."""

    kind: Literal["unavailable", "holiday"]
    resourceId: str  # "" for every column
    start: str
    end: str
    title: str


@dataclass(frozen=True)
class BoardEvents:
    events: list[AppointmentEvent]
    background: list[BackgroundEvent]


EVENT_COLUMNS = (
    "id",
    "start_at",
    "end_at",
    "status",
    "provider_id",
    "patient_id",
    "is_group",
    "capacity",
    "appointment_type__name",
    "appointment_type__colour",
)


def _appointment_url_maker() -> Callable[[uuid.UUID], str]:
    """`reverse` once, then substitute each appointment's id into the path."""
    placeholder = str(uuid.UUID(int=0))
    path = reverse("scheduling:appointment-detail", args=[placeholder])
    return lambda pk: path.replace(placeholder, str(pk))


def _iso(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes")


def _appointment_events(
    actor: Actor,
    location: Location,
    start: dt.datetime,
    end: dt.datetime,
    provider_ids: Sequence[int] | None,
    can_edit: bool,
) -> list[AppointmentEvent]:
    filters = _window_appointments(actor, location, start, end)
    if provider_ids is not None:
        filters &= Q(provider_id__in=provider_ids)
    rows = list(
        Appointment.objects.filter(filters)
        .order_by("start_at", "provider_id")
        .values_list(*EVENT_COLUMNS)
    )
    patient_ids = {row[5] for row in rows if row[5] is not None}
    names: dict[uuid.UUID, str] = {}
    if patient_ids:
        names = {
            # As Patient.full_name.
            pk: f"{first} {last}"
            for pk, first, last in Patient.objects.filter(
                clinic=actor.clinic, pk__in=patient_ids
            ).values_list("pk", "first_name", "last_name")
        }
    class_ids = [row[0] for row in rows if row[6]]
    heads: dict[uuid.UUID, int] = {}
    if class_ids:
        heads = dict(
            Attendance.objects.filter(clinic=actor.clinic, appointment_id__in=class_ids)
            .exclude(status__in=GAVE_UP_PLACE)
            .values("appointment_id")
            .annotate(n=Count("id"))
            .values_list("appointment_id", "n")
        )
    url_for = _appointment_url_maker()
    tz = location.tz
    events: list[AppointmentEvent] = []
    for row in rows:
        pk, start_at, end_at, status, provider_id, patient_id = row[:6]
        is_group, capacity, type_name, colour = row[6:]
        title = (
            f"{type_name} {heads.get(pk, 0)}/{capacity}"
            if is_group
            else names.get(patient_id, "")
            if patient_id is not None
            else ""
        )
        events.append(
            AppointmentEvent(
                id=str(pk),
                resourceId=str(provider_id),
                start=_iso(start_at, tz),
                end=_iso(end_at, tz),
                title=title,
                typeName=type_name,
                colour=colour,
                status=status,
                statusLabel=STATUS_LABELS[status],
                url=url_for(pk),
                editable=can_edit and status in MOVABLE,
                released=status in Appointment.RELEASING,
            )
        )
    return events


def _holidays(
    actor: Actor, location: Location, start_on: dt.date, end_on: dt.date
) -> list[BackgroundEvent]:
    tz = location.tz
    rows = ClinicHoliday.objects.filter(
        Q(location__isnull=True) | Q(location=location),
        clinic=actor.clinic,
        on__gte=start_on,
        on__lt=end_on,
    ).values_list("on", "name")
    return [
        BackgroundEvent(
            kind="holiday",
            resourceId="",
            start=_iso(dt.datetime.combine(on, dt.time(0, 0), tzinfo=tz), tz),
            end=_iso(
                dt.datetime.combine(on + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
                tz,
            ),
            title=name,
        )
        for on, name in rows
    ]


def _unavailable(
    actor: Actor,
    location: Location,
    start_on: dt.date,
    end_on: dt.date,
    provider_ids: Sequence[int],
) -> list[BackgroundEvent]:
    """Each provider's day minus their working intervals: outside hours,
    breaks, exceptions, as the availability engine sees them."""
    if not provider_ids:
        return []
    providers = list(
        Provider.objects.filter(clinic=actor.clinic, pk__in=provider_ids).order_by("pk")
    )
    intervals = working_intervals(
        clinic_id=actor.clinic.pk,
        location=location,
        providers=providers,
        start_on=start_on,
        end_on=end_on - dt.timedelta(days=1),  # inclusive there
    )
    tz = location.tz
    result: list[BackgroundEvent] = []
    for provider in providers:
        working = sorted((i.start, i.end) for i in intervals.get(provider.pk, []))
        day = start_on
        while day < end_on:
            day_start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)
            day_end = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz
            )
            cursor = day_start
            for work_start, work_end in working:
                if work_end <= day_start or work_start >= day_end:
                    continue
                if work_start > cursor:
                    result.append(_off(provider.pk, cursor, work_start, tz))
                cursor = max(cursor, work_end)
            if cursor < day_end:
                result.append(_off(provider.pk, cursor, day_end, tz))
            day += dt.timedelta(days=1)
    return result


def _off(
    provider_id: int, start: dt.datetime, end: dt.datetime, tz: dt.tzinfo
) -> BackgroundEvent:
    return BackgroundEvent(
        kind="unavailable",
        resourceId=str(provider_id),
        start=_iso(start, tz),
        end=_iso(end, tz),
        title="Unavailable",
    )


def board_events(
    *,
    actor: Actor,
    location: Location,
    start_on: dt.date,
    end_on: dt.date,
    provider_ids: Sequence[int] | None,
    can_edit: bool,
) -> BoardEvents:
    """The appointments overlapping the local days [start_on, end_on) at the
    location (of the given providers, or all), and the time that cannot be
    booked: the clinic holidays and, for the given providers (the columns
    shown), their unavailable time.

    It shows patients' names, so it writes one view entry per read.
    """
    start, end = local_window(location, start_on, end_on)
    events = _appointment_events(actor, location, start, end, provider_ids, can_edit)
    if events:
        record_view(
            actor=actor,
            obj=location,
            patient_id=None,
            detail=(
                f"schedule board {start_on.isoformat()}..{end_on.isoformat()} "
                f"appointments={len(events)}"
            ),
        )
    background = [
        *_holidays(actor, location, start_on, end_on),
        *_unavailable(actor, location, start_on, end_on, provider_ids or []),
    ]
    return BoardEvents(events=events, background=background)


def list_board_providers(*, actor: Actor) -> QuerySet[Provider]:
    """Every provider of the clinic, active or not: an old appointment's
    provider may have left, and the board still shows their column."""
    return Provider.objects.filter(clinic=actor.clinic).order_by("display_name")
