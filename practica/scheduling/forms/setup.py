"""Input contracts of the set-up page: rooms, providers, exceptions, holidays.

The services check the same rules again; the forms name the field at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.scheduling.forms.appointments import EARLIEST_DATE, LATEST_DATE
from practica.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    Provider,
    RoomKind,
)
from practica.tenancy.models import Location

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# A vacation longer than a year is more likely a typo than a plan.
MAX_EXCEPTION_DAYS = 366


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _clean_colour(value: str | None) -> str:
    if not value or not COLOUR.fullmatch(value):
        raise forms.ValidationError("Give a colour like #1f6f8b.")
    return value.lower()


def _check_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError("Choose a date between 2000 and 2100.")
    return value


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        required=False,
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
    )


class RoomForm(forms.Form):
    """A room, gym or piece of equipment at a location."""

    location = forms.ModelChoiceField(queryset=Location.objects.none())
    name = forms.CharField(max_length=80)
    kind = forms.ChoiceField(choices=RoomKind.choices)
    is_active = forms.BooleanField(
        required=False, initial=True, label="In use (offered for new bookings)"
    )

    def __init__(
        self, *args: Any, locations: QuerySet[Location], **kwargs: Any
    ) -> None:
        # Own ids: the set-up page holds several forms with the same field names.
        kwargs.setdefault("auto_id", "room_%s")
        super().__init__(*args, **kwargs)
        _set_queryset(self, "location", locations)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the room's name.")
        return name


class ProviderSetupForm(forms.Form):
    """How a provider is shown, and which services they offer."""

    display_name = forms.CharField(max_length=120, label="Name on the calendar")
    credentials = forms.CharField(max_length=40, required=False)
    colour = forms.CharField(
        max_length=7,
        label="Colour on the calendar",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    is_active = forms.BooleanField(
        required=False, label="Active (can be booked, shown on the calendar)"
    )
    offered_types = forms.ModelMultipleChoiceField(
        queryset=AppointmentType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Services offered",
        help_text="Tick none to offer every service.",
    )

    def __init__(
        self,
        *args: Any,
        appointment_types: QuerySet[AppointmentType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "offered_types", appointment_types)

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the name shown on the calendar.")
        return name

    def clean_colour(self) -> str:
        return _clean_colour(self.cleaned_data.get("colour"))


class ExceptionForm(forms.Form):
    """Time off for a provider, or an extra shift."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    kind = forms.ChoiceField(choices=AvailabilityException.Kind.choices)
    starts_on = _date_field("First day")
    ends_on = _date_field("Last day")
    start_time = _time_field("From (optional)")
    end_time = _time_field("To (optional)")
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        empty_label="Every location",
        help_text="Required for an extra shift.",
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Provider],
        locations: QuerySet[Location],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "exception_%s")
        super().__init__(*args, **kwargs)
        _set_queryset(self, "provider", providers)
        _set_queryset(self, "location", locations)

    def clean_starts_on(self) -> dt.date:
        return _check_date(self.cleaned_data["starts_on"])

    def clean_ends_on(self) -> dt.date:
        return _check_date(self.cleaned_data["ends_on"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on is not None and ends_on is not None:
            if ends_on < starts_on:
                self.add_error("ends_on", "The last day cannot be before the first.")
            elif (ends_on - starts_on).days >= MAX_EXCEPTION_DAYS:
                self.add_error("ends_on", "Add at most a year at a time.")
        start, end = data.get("start_time"), data.get("end_time")
        if (start is None) != (end is None) and not self.has_error("start_time"):
            missing = "end_time" if end is None else "start_time"
            self.add_error(missing, "Give both times, or neither for whole days.")
        elif start is not None and end is not None and start >= end:
            self.add_error("end_time", "The end must be after the start.")
        if data.get("kind") == AvailabilityException.Kind.EXTRA_SHIFT:
            if data.get("location") is None:
                self.add_error("location", "Choose where the extra shift is.")
            if start is None and end is None:
                self.add_error("start_time", "Give the extra shift's times.")
        return data


class HolidayForm(forms.Form):
    """A day the clinic, or one location, is closed."""

    name = forms.CharField(max_length=80)
    on = _date_field("Date")
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        empty_label="All locations",
    )

    def __init__(
        self, *args: Any, locations: QuerySet[Location], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "holiday_%s")
        super().__init__(*args, **kwargs)
        _set_queryset(self, "location", locations)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the holiday's name.")
        return name

    def clean_on(self) -> dt.date:
        return _check_date(self.cleaned_data["on"])
