"""Reads of scheduling: appointments, the day and week calendars, choices.

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

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from practica.audit.services import record_view
from practica.patients.models import Patient
from practica.patients.selectors import get_patient_for, list_patients
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    CalendarFeed,
    Provider,
    WorkingHours,
)
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

SLOT_MINUTES = 15
DEFAULT_DAY_START = dt.time(8, 0)
DEFAULT_DAY_END = dt.time(18, 0)
MINUTES_PER_DAY = 24 * 60


# --- single objects and choices ----------------------------------------------


def _appointments(actor: Actor) -> QuerySet[Appointment]:
    return Appointment.objects.filter(clinic=actor.clinic).select_related(
        "patient", "provider", "location", "appointment_type"
    )


def get_appointment_for(*, actor: Actor, appointment_id: uuid.UUID) -> Appointment:
    """One appointment of the actor's clinic, for display: the view is audited."""
    appointment = scoped_get_or_404(actor, _appointments(actor), pk=appointment_id)
    record_view(actor=actor, obj=appointment, patient_id=appointment.patient_id)
    return appointment


def get_appointment_for_change(
    *, actor: Actor, appointment_id: uuid.UUID
) -> Appointment:
    """One appointment of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(actor, _appointments(actor), pk=appointment_id)


def list_bookable_patients(*, actor: Actor) -> QuerySet[Patient]:
    return list_patients(actor=actor)


def get_patient_for_booking(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient being booked; their name is shown, so the view is audited."""
    return get_patient_for(actor=actor, patient_id=patient_id)


def list_providers(*, actor: Actor) -> QuerySet[Provider]:
    return Provider.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        "display_name"
    )


def list_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(clinic=actor.clinic, is_active=True)


def list_locations(*, actor: Actor) -> QuerySet[Location]:
    return Location.objects.filter(clinic=actor.clinic).order_by("name")


def list_patient_appointments(
    *, actor: Actor, patient: Patient
) -> QuerySet[Appointment]:
    """The patient's appointments, newest first, for the patient's timeline."""
    return _appointments(actor).filter(patient_id=patient.pk).order_by("-start_at")


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


# --- clinic set-up: services and working hours -----------------------------------


@dataclass(frozen=True)
class ProviderWeek:
    """A provider's weekly hours at each location, one text per weekday."""

    provider: Provider
    rows: list[tuple[Location, list[str]]]


def list_all_appointment_types(*, actor: Actor) -> QuerySet[AppointmentType]:
    """Every service, offered or not, for the set-up page."""
    return AppointmentType.objects.filter(clinic=actor.clinic).order_by(
        "modality", "name"
    )


def get_appointment_type_for(*, actor: Actor, type_id: int) -> AppointmentType:
    return scoped_get_or_404(actor, AppointmentType.objects.all(), pk=type_id)


def list_provider_weeks(*, actor: Actor) -> list[ProviderWeek]:
    """Two queries: the providers and all their hours."""
    providers = list(list_providers(actor=actor))
    locations = {loc.pk: loc for loc in list_locations(actor=actor)}
    hours = WorkingHours.objects.filter(clinic=actor.clinic).order_by(
        "weekday", "start_time"
    )
    table: dict[tuple[int, int], list[list[str]]] = {}
    for block in hours:
        key = (block.provider_id, block.location_id)
        days = table.setdefault(key, [[] for _ in range(7)])
        days[block.weekday].append(
            f"{block.start_time:%H:%M}\u2013{block.end_time:%H:%M}"
        )
    weeks = []
    for provider in providers:
        rows = [
            (location, [", ".join(day) for day in table[(provider.pk, location.pk)]])
            for location in locations.values()
            if (provider.pk, location.pk) in table
        ]
        weeks.append(ProviderWeek(provider=provider, rows=rows))
    return weeks


# --- calendar feeds --------------------------------------------------------------

FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 180


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One appointment as a calendar app will hold it. No patient names: the
    apps sync to third-party servers, so the summary carries initials only."""

    uid: str
    start_at: dt.datetime
    end_at: dt.datetime
    timezone: str
    summary: str
    location_name: str
    sequence: int
    status: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class FeedCalendar:
    name: str
    events: list[FeedEvent]


def get_own_provider(*, actor: Actor) -> Provider | None:
    """The provider record of the acting member, if they are one."""
    if actor.membership is None:
        return None
    return Provider.objects.filter(
        clinic=actor.clinic, membership_id=actor.membership.pk
    ).first()


def get_active_feed(*, actor: Actor, provider: Provider) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        clinic=actor.clinic, provider=provider, revoked_at__isnull=True
    ).first()


def get_feed_for_change(*, actor: Actor, feed_id: int) -> CalendarFeed:
    """One feed of the actor's clinic, to hand to a service (which audits)."""
    return scoped_get_or_404(
        actor, CalendarFeed.objects.select_related("provider"), pk=feed_id
    )


def get_provider_for_feed(*, actor: Actor, provider_id: int) -> Provider:
    return scoped_get_or_404(actor, Provider.objects.all(), pk=provider_id)


# What a feed shows of an appointment, read as plain values, in this order.
FEED_COLUMNS = (
    "id",
    "start_at",
    "end_at",
    "status",
    "sequence",
    "updated_at",
    "location__name",
    "location__timezone",
    "appointment_type__name",
    "first_initial",
    "last_initial",
)


def _initials(first: str, last: str) -> str:
    return " ".join(f"{letter.upper()}." for letter in (first, last) if letter)


def feed_events(*, token: str, ip: str = "", user_agent: str = "") -> FeedCalendar:
    """The active feed's appointments from 30 days ago to 180 days ahead, except
    cancelled ones; unknown or revoked tokens are not found.

    A fixed number of queries: the feed with its provider and clinic, the
    appointments with their location and type (and only the initials of the
    patient's names), and the audit entry of the fetch.
    """
    feed = (
        CalendarFeed.objects.select_related("provider", "clinic")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404("Not found.")
    provider = feed.provider
    now = timezone.now()
    rows = (
        Appointment.objects.filter(
            clinic_id=feed.clinic_id,
            provider_id=provider.pk,
            start_at__gte=now - dt.timedelta(days=FEED_DAYS_BACK),
            start_at__lt=now + dt.timedelta(days=FEED_DAYS_AHEAD),
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .annotate(
            first_initial=Substr("patient__first_name", 1, 1),
            last_initial=Substr("patient__last_name", 1, 1),
        )
        .order_by("start_at")
        .values_list(*FEED_COLUMNS)
    )
    events = []
    for (
        pk,
        start_at,
        end_at,
        status,
        sequence,
        updated_at,
        location_name,
        tz_name,
        type_name,
        first_initial,
        last_initial,
    ) in rows:
        initials = _initials(first_initial, last_initial)
        summary = f"{type_name} \u2014 {initials}" if initials else type_name
        if status == Appointment.Status.NO_SHOW:
            summary += " (no-show)"
        events.append(
            FeedEvent(
                uid=f"{pk}@practica",
                start_at=start_at,
                end_at=end_at,
                timezone=tz_name,
                summary=summary,
                location_name=location_name,
                sequence=sequence,
                status="CONFIRMED",
                updated_at=updated_at,
            )
        )
    # No member is signed in: the token stands for the provider.
    reader = Actor(
        clinic=feed.clinic,
        user=None,
        membership=None,
        permissions=frozenset(),
        ip=ip,
        user_agent=user_agent,
    )
    record_view(
        actor=reader,
        obj=provider,
        patient_id=None,
        detail=f"ical feed appointments={len(events)}",
    )
    return FeedCalendar(
        name=f"{provider.display_name} \u2014 {feed.clinic.name}", events=events
    )
