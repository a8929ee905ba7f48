"""Input contract of the free-slot search ("Find a time")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.patients.models import Patient
from practica.scheduling.forms.appointments import (
    EARLIEST_DATE,
    LATEST_DATE,
    PatientChoiceField,
)
from practica.scheduling.models import AppointmentType, Provider
from practica.tenancy.models import Location


class SlotQueryForm(forms.Form):
    """?type=<id>&location=<id>[&provider=<id>][&date=YYYY-MM-DD][&patient=<uuid>]

    The booking form's own field names (appointment_type) are accepted too, so
    the booking page can send its fields as they are.
    """

    type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(),
        label="Type",
        error_messages={
            "required": "Choose an appointment type to see free times.",
            "invalid_choice": "Choose one of the clinic's appointment types.",
        },
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        error_messages={
            "required": "Choose a location.",
            "invalid_choice": "Choose one of the clinic's locations.",
        },
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose one of the clinic's providers."},
    )
    date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    patient = PatientChoiceField(
        queryset=Patient.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a patient of the clinic."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        appointment_types: QuerySet[AppointmentType],
        locations: QuerySet[Location],
        providers: QuerySet[Provider],
        patients: QuerySet[Patient],
    ) -> None:
        if data is not None and not data.get("type") and data.get("appointment_type"):
            data = data.copy()
            data["type"] = data["appointment_type"]
        if data is not None and not data.get("location"):
            # A clinic with one location should not have to name it.
            only = list(locations[:2])
            if len(only) == 1:
                data = data.copy()
                data["location"] = str(only[0].pk)
        super().__init__(data)
        for name, queryset in (
            ("type", appointment_types),
            ("location", locations),
            ("provider", providers),
            ("patient", patients),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date")
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError("Choose a date between 2000 and 2100.")
        return value
