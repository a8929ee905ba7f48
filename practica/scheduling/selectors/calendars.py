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

from django.urls import reverse

from practica.audit.services import record_view
from practica.scheduling.models import (
    Appointment,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

# --- calendars -----------------------------------------------------------------


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


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def _utc_bounds(
    first: dt.date, days: int, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """The local days [first, first + days) as UTC instants."""
    start = _local_midnight(first, tz).astimezone(dt.UTC)
    end = _local_midnight(first + dt.timedelta(days=days), tz).astimezone(dt.UTC)
    return start, end


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
                # As Patient.full_name; a class has no single patient.
                patient_name=f"{first} {last}" if first is not None else "Class",
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
