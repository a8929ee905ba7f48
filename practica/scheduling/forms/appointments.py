"""Input contracts of the scheduling views.

Dates and times are entered in the location's local time; the forms turn them
into an aware `start_at` and refuse wall-clock times that do not exist (the
hour skipped when clocks go forward).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.patients.models import Patient
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Modality,
    Provider,
    RoomKind,
)
from practica.tenancy.models import Location

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def local_start(
    day: dt.date, start_time: dt.time, location: Location
) -> dt.datetime | None:
    """The aware start for a local date and time, or None if the wall-clock
    time does not exist on that date."""
    tz = location.tz
    naive = dt.datetime.combine(day, start_time.replace(second=0, microsecond=0))
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware


class PatientChoiceField(forms.ModelChoiceField):
    """A patient by UUID; a malformed id reads like any unknown patient."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super().to_python(value)


class _TimeFields(forms.Form):
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"]
    )
    start_time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
    )
    allow_outside_hours = forms.BooleanField(
        required=False,
        label="Book outside working hours",
        help_text="Only when the provider has agreed to see the patient then.",
    )

    def _location(self) -> Location | None:
        raise NotImplementedError

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError("Choose a date between 2000 and 2100.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("date")
        start_time = cleaned.get("start_time")
        location = self._location()
        if day is not None and start_time is not None and location is not None:
            start_at = local_start(day, start_time, location)
            if start_at is None:
                self.add_error(
                    "start_time",
                    "That time does not exist on this date (the clocks change).",
                )
            else:
                cleaned["start_at"] = start_at
        return cleaned


class AppointmentForm(_TimeFields):
    patient = PatientChoiceField(
        queryset=Patient.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a patient.",
            "invalid_choice": "Choose a patient from the search results.",
        },
    )
    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Appointment type"
    )
    front_desk_note = forms.CharField(
        required=False, max_length=300, label="Front desk note"
    )

    field_order = [
        "patient",
        "provider",
        "location",
        "appointment_type",
        "date",
        "start_time",
        "allow_outside_hours",
        "front_desk_note",
    ]

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
        for name, queryset in (
            ("patient", patients),
            ("provider", providers),
            ("location", locations),
            ("appointment_type", appointment_types),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        if not self.is_bound and not self.initial.get("location"):
            # A clinic with one location should not have to pick it every time.
            only = list(locations[:2])
            if len(only) == 1:
                self.initial["location"] = only[0].pk

    def _location(self) -> Location | None:
        location = self.cleaned_data.get("location")
        return location if isinstance(location, Location) else None


class MoveForm(_TimeFields):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none())

    field_order = ["provider", "date", "start_time", "allow_outside_hours"]

    def __init__(
        self,
        *args: Any,
        appointment: Appointment,
        providers: QuerySet[Provider],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = providers

    def _location(self) -> Location | None:
        return self.appointment.location


class _WaiverFields(forms.Form):
    """Waiving a late-cancellation or no-show fee, with the reason why."""

    waive_fee = forms.BooleanField(required=False, label="Waive the fee")
    waive_reason = forms.CharField(
        required=False, max_length=150, label="Reason for waiving"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("waive_fee") and not cleaned.get("waive_reason", "").strip():
            self.add_error("waive_reason", "Say why the fee is waived.")
        return cleaned


class CancelForm(_WaiverFields):
    reason = forms.CharField(
        max_length=200,
        label="Reason for cancelling",
        error_messages={"required": "Give a reason for the cancellation."},
    )

    field_order = ["reason", "waive_fee", "waive_reason"]


class StatusForm(_WaiverFields):
    """Any status but a cancellation (that needs a reason: CancelForm)."""

    status = forms.ChoiceField(
        choices=[
            (Appointment.Status.CONFIRMED, "Confirmed"),
            (Appointment.Status.ARRIVED, "Arrived"),
            (Appointment.Status.IN_SESSION, "In session"),
            (Appointment.Status.COMPLETED, "Completed"),
            (Appointment.Status.NO_SHOW, "No-show"),
            (Appointment.Status.BOOKED, "Booked"),
        ],
        error_messages={"invalid_choice": "Choose a status from the buttons."},
    )


class AppointmentTypeForm(forms.Form):
    """A bookable service: what it is called, how long it takes, what it costs."""

    name = forms.CharField(max_length=120)
    modality = forms.ChoiceField(choices=Modality.choices)
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=480
    )
    price = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, label="Price ($)"
    )
    service_code = forms.CharField(max_length=20, required=False)
    is_taxable = forms.BooleanField(
        required=False,
        label="Taxable (products, fitness; most health services are not)",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Offered (shown when booking)"
    )
    buffer_before_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        initial=0,
        label="Buffer before (minutes)",
        help_text="Set-up time the provider and room are held before the visit.",
    )
    buffer_after_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        initial=0,
        label="Buffer after (minutes)",
        help_text="Clean-up or notes time held after the visit.",
    )
    colour = forms.CharField(
        required=False,
        max_length=7,
        initial="#2b7a78",
        label="Colour on the calendar",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    room_kind = forms.ChoiceField(
        required=False,
        choices=[("", "No room needed"), *RoomKind.choices],
        label="Room needed",
    )
    patient_kind = forms.ChoiceField(
        required=False,
        choices=AppointmentType.PatientKind.choices,
        initial=AppointmentType.PatientKind.ANY,
        label="Who may book it",
    )
    is_online_bookable = forms.BooleanField(
        required=False, label="Patients may book it online"
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        initial=1,
        label="Patients per appointment",
        help_text="1 = one patient; more = a group class with a roster.",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the service's name.")
        return name

    def clean_buffer_before_minutes(self) -> int:
        value: int | None = self.cleaned_data.get("buffer_before_minutes")
        return value or 0

    def clean_buffer_after_minutes(self) -> int:
        value: int | None = self.cleaned_data.get("buffer_after_minutes")
        return value or 0

    def clean_colour(self) -> str:
        value: str = self.cleaned_data.get("colour") or "#2b7a78"
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise forms.ValidationError("Give a colour like #1f6f8b.")
        return value.lower()

    def clean_patient_kind(self) -> str:
        value: str = self.cleaned_data.get("patient_kind") or "any"
        return value

    def clean_capacity(self) -> int:
        value: int | None = self.cleaned_data.get("capacity")
        return 1 if value is None else value


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class WorkingHoursForm(forms.Form):
    """One provider's hours at one location on one weekday: up to two blocks
    (e.g. a morning and an afternoon around a lunch break), or a day off."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(
        required=False, label="From", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        required=False, label="To", widget=forms.TimeInput(attrs={"type": "time"})
    )
    second_start_time = forms.TimeField(
        required=False,
        label="Then from",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    second_end_time = forms.TimeField(
        required=False, label="To", widget=forms.TimeInput(attrs={"type": "time"})
    )
    is_day_off = forms.BooleanField(required=False, label="Not working that day")

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Provider],
        locations: QuerySet[Location],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("provider", providers), ("location", locations)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        blocks: list[tuple[dt.time, dt.time]] = []
        if not data.get("is_day_off"):
            pairs = [
                ("start_time", "end_time"),
                ("second_start_time", "second_end_time"),
            ]
            for start_name, end_name in pairs:
                start, end = data.get(start_name), data.get(end_name)
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(
                        end_name if end is None else start_name, "Give both times."
                    )
                elif start >= end:
                    self.add_error(end_name, "The end must be after the start.")
                else:
                    blocks.append((start, end))
            if not blocks and not self.errors:
                self.add_error(
                    "start_time", "Give the hours, or tick 'Not working that day'."
                )
            if len(blocks) == 2 and blocks[0][1] > blocks[1][0]:
                self.add_error(
                    "second_start_time",
                    "The second block must start after the first ends.",
                )
        data["blocks"] = blocks
        return data
