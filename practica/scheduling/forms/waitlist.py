"""Input contracts of the waitlist pages: an entry, the matches query, a booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.patients.models import Patient
from practica.scheduling.forms.appointments import (
    EARLIEST_DATE,
    LATEST_DATE,
    WEEKDAYS,
    PatientChoiceField,
)
from practica.scheduling.models import AppointmentType, Provider
from practica.tenancy.models import Location


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _check_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError("Choose a date between 2000 and 2100.")
    return value


class WaitlistEntryForm(forms.Form):
    """What would suit a waiting patient. Empty providers or weekdays = any."""

    patient = PatientChoiceField(
        queryset=Patient.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a patient.",
            "invalid_choice": "Choose a patient from the search results.",
        },
    )
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Appointment type"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="Any location"
    )
    providers = forms.ModelMultipleChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Preferred providers",
        help_text="None ticked: any provider who offers the type.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Preferred days",
        help_text="None ticked: any day.",
    )
    earliest_time = forms.TimeField(
        required=False,
        label="Not before",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    latest_time = forms.TimeField(
        required=False,
        label="Finished by",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    wait_from = forms.DateField(
        label="Waiting from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    wait_until = forms.DateField(
        required=False,
        label="Waiting until",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        patients: QuerySet[Patient],
        providers: QuerySet[Provider],
        locations: QuerySet[Location],
        appointment_types: QuerySet[AppointmentType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "patient", patients)
        _set_queryset(self, "providers", providers)
        _set_queryset(self, "location", locations)
        _set_queryset(self, "appointment_type", appointment_types)

    def clean_wait_from(self) -> dt.date | None:
        return _check_range(self.cleaned_data.get("wait_from"))

    def clean_wait_until(self) -> dt.date | None:
        return _check_range(self.cleaned_data.get("wait_until"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        earliest, latest = cleaned.get("earliest_time"), cleaned.get("latest_time")
        if earliest is not None and latest is not None and earliest >= latest:
            self.add_error("latest_time", "Must be after 'Not before'.")
        start, until = cleaned.get("wait_from"), cleaned.get("wait_until")
        if start is not None and until is not None and until < start:
            self.add_error("wait_until", "Must not be before 'Waiting from'.")
        return cleaned


class MatchesQueryForm(forms.Form):
    """?location=<id>&date=YYYY-MM-DD; both optional (the clinic's first
    location, today), both validated."""

    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args: Any, locations: QuerySet[Location], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "location", locations)

    def clean_date(self) -> dt.date | None:
        return _check_range(self.cleaned_data.get("date"))


class WaitlistBookForm(forms.Form):
    """One click on an offered slot: the provider, the location and the aware
    start (ISO 8601 with its offset, as the matches panel printed it)."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    start = forms.CharField(max_length=40)
    # Where the panel was showing, so it can be shown again after booking.
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Provider],
        locations: QuerySet[Location],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "provider", providers)
        _set_queryset(self, "location", locations)

    def clean_start(self) -> dt.datetime:
        raw: str = self.cleaned_data["start"]
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError("Choose one of the offered times.") from None
        if value.tzinfo is None:
            raise forms.ValidationError("Choose one of the offered times.")
        if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
            raise forms.ValidationError("Choose a date between 2000 and 2100.")
        return value

    def clean_date(self) -> dt.date | None:
        return _check_range(self.cleaned_data.get("date"))
