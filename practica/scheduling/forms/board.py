"""Input contracts of the calendar board: the page, its events, a drag.

The board's times are the location's local wall-clock times
("YYYY-MM-DDTHH:MM"), as the booking form's ?start= prefill; the forms turn
them into aware instants and refuse times skipped by a clock change.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.scheduling.forms.appointments import (
    EARLIEST_DATE,
    LATEST_DATE,
    local_start,
)
from practica.scheduling.models import Provider
from practica.scheduling.selectors.board import MAX_WINDOW_DAYS
from practica.tenancy.models import Location

BOARD_VIEWS = [("day", "Day"), ("week", "Week"), ("list", "List")]
COLOUR_MODES = [("type", "Type"), ("status", "Status")]


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError("Choose a date between 2000 and 2100.")
    return value


class BoardQueryForm(forms.Form):
    """The page: ?location=&date=&view=day|week|list&colour=type|status
    &provider= (the week view's provider). Bad values fall back to defaults."""

    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    view = forms.ChoiceField(required=False, choices=BOARD_VIEWS)
    colour = forms.ChoiceField(required=False, choices=COLOUR_MODES)
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        locations: QuerySet[Location],
        providers: QuerySet[Provider],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        for name, queryset in (("location", locations), ("provider", providers)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean_date(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("date"))


class BoardEventsForm(forms.Form):
    """The events JSON: ?location=<id>&start=YYYY-MM-DD&end=YYYY-MM-DD
    (end exclusive, at most MAX_WINDOW_DAYS later) &provider=<id> (repeatable:
    the columns shown). Any bad value is refused with its name."""

    location = forms.ModelChoiceField(queryset=Location.objects.none())
    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])
    provider = forms.ModelMultipleChoiceField(
        queryset=Provider.objects.none(), required=False
    )

    ALLOWED = frozenset({"location", "start", "end", "provider"})

    def __init__(
        self,
        *args: Any,
        locations: QuerySet[Location],
        providers: QuerySet[Provider],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        location_field = self.fields["location"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = locations
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelMultipleChoiceField)
        provider_field.queryset = providers

    def clean_start(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("start"))

    def clean_end(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("end"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = sorted(set(self.data) - self.ALLOWED)
        if unknown:
            raise forms.ValidationError(f"Unknown parameter: {', '.join(unknown)}.")
        start: dt.date | None = cleaned.get("start")
        end: dt.date | None = cleaned.get("end")
        if start is not None and end is not None:
            if end <= start:
                self.add_error("end", "The end must be after the start.")
            elif (end - start).days > MAX_WINDOW_DAYS:
                self.add_error("end", f"Ask for at most {MAX_WINDOW_DAYS} days.")
        return cleaned

    def first_error(self) -> str:
        """ "<param>: <message>" of the first problem, naming the parameter."""
        for name, errors in self.errors.items():
            label = "request" if name == "__all__" else name
            return f"{label}: {errors[0]}"
        return ""


LOCAL_MOMENT = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
)


def _local_moment(text: str, location: Location) -> dt.datetime:
    match = LOCAL_MOMENT.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day = dt.date.fromisoformat(match["day"])
        at = dt.time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise forms.ValidationError("Give a local time as YYYY-MM-DDTHH:MM.") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise forms.ValidationError("Choose a date between 2000 and 2100.")
    aware = local_start(day, at, location)
    if aware is None:
        raise forms.ValidationError(
            "That time does not exist on this date (the clocks change)."
        )
    return aware


class BoardMoveForm(forms.Form):
    """A drop or a resize on the board: the new local start (and end, when
    resized) at the appointment's location, and the provider's column."""

    start = forms.CharField(max_length=16)
    end = forms.CharField(max_length=16, required=False)
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose an active provider."},
    )

    def __init__(
        self,
        *args: Any,
        location: Location,
        providers: QuerySet[Provider],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.location = location
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        provider_field.queryset = providers

    def clean_start(self) -> dt.datetime:
        return _local_moment(self.cleaned_data["start"], self.location)

    def clean_end(self) -> dt.datetime | None:
        text: str = self.cleaned_data.get("end", "")
        return _local_moment(text, self.location) if text else None

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            label = "request" if name == "__all__" else name
            return f"{label}: {errors[0]}"
        return ""
