"""Input contracts of the series pages: the rule, the per-occurrence choices
(skip, move) of the preview, and changes to an existing series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from practica.patients.models import Patient
from practica.scheduling.forms.appointments import (
    EARLIEST_DATE,
    LATEST_DATE,
    WEEKDAYS,
    PatientChoiceField,
)
from practica.scheduling.models import AppointmentType, Provider
from practica.scheduling.selectors.series import (
    DAILY,
    MAX_OCCURRENCES,
    MAX_SPAN_DAYS,
    MONTHLY,
    WEEKLY,
    Occurrence,
    RuleTooLongError,
    SeriesRule,
    aware_local,
    expand_rule,
)
from practica.tenancy.models import Location

FREQUENCY_CHOICES = [
    (WEEKLY, "Every N weeks, on chosen weekdays"),
    (DAILY, "Every N days"),
    (MONTHLY, "Every N months, on the same date"),
]
ENDS_CHOICES = [("count", "After a number of occurrences"), ("until", "On a date")]
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    chosen = form.fields[name]
    assert isinstance(chosen, forms.ModelChoiceField)
    chosen.queryset = queryset


class SeriesForm(forms.Form):
    """Who, with whom, where, and the rule: e.g. every 1 week on Tue and Thu
    from 2027-03-02 at 09:00, 16 occurrences."""

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
    first_date = forms.DateField(
        label="Starting on",
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )
    start_time = forms.TimeField(
        label="At (local time)", widget=TIME_WIDGET, input_formats=TIME_FORMATS
    )
    frequency = forms.ChoiceField(label="Repeats", choices=FREQUENCY_CHOICES)
    interval = forms.IntegerField(
        label="Every N (weeks, days or months)",
        initial=1,
        min_value=1,
        max_value=52,
        error_messages={
            "min_value": "The interval must be at least 1.",
            "max_value": "The interval can be at most 52.",
        },
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ends = forms.ChoiceField(label="Ends", choices=ENDS_CHOICES, initial="count")
    count = forms.IntegerField(
        label="Number of occurrences",
        required=False,
        min_value=1,
        error_messages={"min_value": "Book at least one occurrence."},
    )
    until = forms.DateField(
        label="Last date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )

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
        _set_queryset(self, "provider", providers)
        _set_queryset(self, "location", locations)
        _set_queryset(self, "appointment_type", appointment_types)
        if not self.is_bound and not self.initial.get("location"):
            only = list(locations[:2])
            if len(only) == 1:
                self.initial["location"] = only[0].pk

    def clean_first_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["first_date"]
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError("Choose a date between 2000 and 2100.")
        return value

    def clean_count(self) -> int | None:
        value: int | None = self.cleaned_data.get("count")
        if value is not None and value > MAX_OCCURRENCES:
            raise forms.ValidationError(
                f"A series holds at most {MAX_OCCURRENCES} occurrences."
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        frequency = cleaned.get("frequency")
        weekdays: list[int] = cleaned.get("weekdays") or []
        if frequency == WEEKLY and not weekdays and "weekdays" not in self.errors:
            self.add_error("weekdays", "Choose at least one weekday.")
        first_date = cleaned.get("first_date")
        count, until = cleaned.get("count"), cleaned.get("until")
        ends = cleaned.get("ends")
        if ends == "count" and count is None and "count" not in self.errors:
            self.add_error("count", "Give the number of occurrences.")
        if ends == "until" and "until" not in self.errors:
            if until is None:
                self.add_error("until", "Give the last date.")
            elif first_date is not None and until < first_date:
                self.add_error("until", "The last date must not be before the first.")
            elif first_date is not None and (until - first_date).days >= MAX_SPAN_DAYS:
                self.add_error("until", "A series can span at most one year.")
        if self.errors:
            return cleaned
        rule = SeriesRule(
            frequency=str(frequency),
            interval=int(cleaned["interval"]),
            weekdays=tuple(sorted(weekdays)) if frequency == WEEKLY else (),
            count=count if ends == "count" else None,
            until=until if ends == "until" else None,
        )
        location: Location = cleaned["location"]
        try:
            occurrences = expand_rule(
                rule,
                first_day=cleaned["first_date"],
                start_time=cleaned["start_time"],
                tz=location.tz,
            )
        except RuleTooLongError as exc:
            self.add_error("count" if ends == "count" else "until", exc.message)
            return cleaned
        if not occurrences:
            self.add_error("until", "This rule has no occurrence before the last date.")
            return cleaned
        cleaned["rule"] = rule
        cleaned["occurrences"] = occurrences
        return cleaned


def occurrence_key(occurrence: Occurrence) -> str:
    """Names an occurrence by its planned local date (a rule makes at most one
    a day), so a choice stays with its date if the rule is edited."""
    return occurrence.local.strftime("%Y%m%d")


@dataclass
class Resolutions:
    """The front desk's choices in the preview: occurrences to skip, and new
    local times for some (same date)."""

    occurrences: list[Occurrence]
    skipped: frozenset[int] = frozenset()
    moved: frozenset[int] = frozenset()
    errors: list[str] = field(default_factory=list)


def read_resolutions(
    data: QueryDict, occurrences: list[Occurrence], tz: dt.tzinfo
) -> Resolutions:
    """Apply `skip=<YYYYMMDD>` and `move_<YYYYMMDD>=HH:MM` to the occurrences."""
    skip_keys = set(data.getlist("skip"))
    skipped: set[int] = set()
    moved: set[int] = set()
    errors: list[str] = []
    result: list[Occurrence] = []
    for occurrence in occurrences:
        key = occurrence_key(occurrence)
        if key in skip_keys:
            skipped.add(occurrence.index)
            result.append(occurrence)
            continue
        raw = data.get(f"move_{key}", "").strip()
        if not raw:
            result.append(occurrence)
            continue
        try:
            new_time = dt.time.fromisoformat(raw)
        except ValueError:
            errors.append(f"Occurrence {occurrence.index}: give the new time as HH:MM.")
            result.append(occurrence)
            continue
        naive = dt.datetime.combine(
            occurrence.local.date(), new_time.replace(second=0, microsecond=0)
        )
        if naive != occurrence.local:
            moved.add(occurrence.index)
        result.append(
            Occurrence(
                index=occurrence.index,
                local=naive,
                start_at=aware_local(naive, tz),
            )
        )
    return Resolutions(result, frozenset(skipped), frozenset(moved), errors)


class ScopeFields(forms.Form):
    """Which occurrences a change touches: the whole series, or one and the
    following ones (`from_appointment`)."""

    scope = forms.ChoiceField(
        choices=[("all", "The whole series"), ("following", "This and following")],
        widget=forms.HiddenInput,
    )
    from_appointment = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == "following" and not cleaned.get("from_appointment"):
            self.add_error(None, "Choose the occurrence to change from.")
        return cleaned


class SeriesRescheduleForm(ScopeFields):
    start_time = forms.TimeField(
        label="New time (local)", widget=TIME_WIDGET, input_formats=TIME_FORMATS
    )
    provider = forms.ModelChoiceField(queryset=Provider.objects.none())

    def __init__(self, *args: Any, providers: QuerySet[Provider], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "provider", providers)


class SeriesCancelForm(ScopeFields):
    reason = forms.CharField(
        max_length=200,
        label="Reason for cancelling",
        error_messages={"required": "Give a reason for the cancellation."},
    )
