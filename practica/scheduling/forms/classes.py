"""Input contracts of the class pages: scheduling a class, its roster."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.patients.models import Patient
from practica.scheduling.forms.appointments import PatientChoiceField, _TimeFields
from practica.scheduling.models import AppointmentType, AttendanceStatus, Provider, Room
from practica.tenancy.models import Location


class ClassForm(_TimeFields):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Class"
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        empty_label="Any free room the class needs",
    )

    field_order = [
        "appointment_type",
        "provider",
        "location",
        "room",
        "date",
        "start_time",
        "allow_outside_hours",
    ]

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Provider],
        locations: QuerySet[Location],
        appointment_types: QuerySet[AppointmentType],
        rooms: QuerySet[Room],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("provider", providers),
            ("location", locations),
            ("appointment_type", appointment_types),
            ("room", rooms),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def _location(self) -> Location | None:
        location = self.cleaned_data.get("location")
        return location if isinstance(location, Location) else None


class AttendeeForm(forms.Form):
    patient = PatientChoiceField(
        queryset=Patient.objects.none(),
        error_messages={
            "required": "Choose a patient.",
            "invalid_choice": "Choose a patient from the search results.",
        },
    )

    def __init__(self, *args: Any, patients: QuerySet[Patient], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["patient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = patients


class AttendanceStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (AttendanceStatus.CONFIRMED, "Confirmed"),
            (AttendanceStatus.ARRIVED, "Arrived"),
            (AttendanceStatus.IN_SESSION, "In session"),
            (AttendanceStatus.COMPLETED, "Completed"),
            (AttendanceStatus.NO_SHOW, "No-show"),
            (AttendanceStatus.BOOKED, "Booked"),
            (AttendanceStatus.CANCELLED, "Cancelled"),
            (AttendanceStatus.LATE_CANCELLED, "Late-cancelled"),
        ],
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "Choose a status.",
        },
    )


class CancelClassForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Reason for cancelling the class",
        error_messages={"required": "Give a reason for the cancellation."},
    )
