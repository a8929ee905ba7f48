"""Input contracts of the chart's list forms and the code search.

The add forms parse and check fields (the model's validators and ranges run
here too); the services re-check every rule for callers that are not forms.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from practica.charting.codes import DEFAULT_LIMIT, MAX_LIMIT, CodeSystem, lookup
from practica.charting.models import (
    Allergy,
    ChartAlert,
    Immunization,
    MedicalHistory,
    Medication,
    Problem,
    VitalSigns,
)
from practica.charting.services_chart import REASON_MAX

if TYPE_CHECKING:
    from django.forms import ModelForm
else:

    class ModelForm(forms.ModelForm):
        """django-stubs types ModelForm as generic; Django's class is not."""

        def __class_getitem__(cls, item: object) -> type:
            return cls


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def _picker(form: forms.BaseForm, system: CodeSystem) -> None:
    """Hook the code field to the search endpoint (charting/code_picker.js)."""
    url = reverse("charting:code-search")
    form.fields["code"].widget.attrs.update(
        {
            "list": f"{system.value}-options",
            "data-code-search": f"{url}?system={system.value}",
        }
    )


def _code_of(value: str, system: CodeSystem, label: str) -> str:
    """The picked code: the first word of "M54.50 Low back pain, ..."."""
    first = value.strip().split(" ", 1)[0] if value.strip() else ""
    found = lookup(system, first)
    if found is None:
        raise forms.ValidationError(f"Choose a code from the {label} list.")
    return found.code


class ProblemForm(ModelForm[Problem]):
    code = forms.CharField(
        label="ICD-10 code",
        max_length=300,
        help_text="Type a code or words, then pick from the list.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Problem
        fields = ["code", "onset_on", "note"]
        widgets = {"onset_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _picker(self, CodeSystem.ICD10)

    def clean_code(self) -> str:
        return _code_of(self.cleaned_data["code"], CodeSystem.ICD10, "ICD-10-CM")


class AllergyForm(ModelForm[Allergy]):
    class Meta:
        model = Allergy
        fields = ["substance", "reaction", "severity", "noted_on"]
        widgets = {"noted_on": DATE}


class MedicationForm(ModelForm[Medication]):
    class Meta:
        model = Medication
        fields = [
            "name",
            "dose",
            "route",
            "frequency",
            "start_on",
            "stop_on",
            "prescriber",
        ]
        widgets = {"start_on": DATE, "stop_on": DATE}


class ImmunizationForm(ModelForm[Immunization]):
    code = forms.CharField(
        label="CVX code",
        max_length=300,
        help_text="Type a code or words, then pick from the list.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Immunization
        fields = ["code", "given_on", "lot", "site", "note"]
        widgets = {"given_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _picker(self, CodeSystem.CVX)

    def clean_code(self) -> str:
        return _code_of(self.cleaned_data["code"], CodeSystem.CVX, "CVX")


class VitalSignsForm(ModelForm[VitalSigns]):
    class Meta:
        model = VitalSigns
        fields = [
            "taken_at",
            "systolic",
            "diastolic",
            "pulse",
            "temperature_c",
            "respiratory_rate",
            "spo2",
            "height_cm",
            "weight_kg",
        ]
        widgets = {"taken_at": DATETIME}


class MedicalHistoryForm(ModelForm[MedicalHistory]):
    class Meta:
        model = MedicalHistory
        fields = ["kind", "text", "occurred_on"]
        widgets = {"occurred_on": DATE}


class ChartAlertForm(ModelForm[ChartAlert]):
    class Meta:
        model = ChartAlert
        fields = ["category", "severity", "text", "expires_on"]
        widgets = {"expires_on": DATE}
        help_texts = {
            "text": "The language for an interpreter; what an other alert is.",
            "expires_on": "Leave empty for an alert that stays until changed.",
        }

    def clean_expires_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("Cannot be in the past.")
        return value


class EntryStatusForm(forms.Form):
    """A status change of one list row; the choices are that list's statuses."""

    def __init__(
        self,
        *,
        choices: Sequence[tuple[str, str]],
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data)
        self.fields["status"] = forms.ChoiceField(
            label="Status",
            choices=choices,
            error_messages={
                "required": "Choose a status.",
                "invalid_choice": "Choose a listed status.",
            },
        )
        self.fields["reason"] = forms.CharField(
            label="Reason",
            required=False,
            max_length=REASON_MAX,
            error_messages={"max_length": f"Keep it under {REASON_MAX} characters."},
        )


class CodeSearchForm(forms.Form):
    """?system=icd10|cvx&q=...&limit=N; any other parameter is refused."""

    ALLOWED = frozenset({"system", "q", "limit"})

    system = forms.ChoiceField(
        choices=[(s.value, s.value) for s in CodeSystem],
        required=False,
        error_messages={"invalid_choice": "Use icd10 or cvx."},
    )
    q = forms.CharField(required=False, max_length=100)
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": "Enter a whole number.",
            "min_value": f"Use 1 to {MAX_LIMIT}.",
            "max_value": f"Use 1 to {MAX_LIMIT}.",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = sorted(set(self.data) - self.ALLOWED)
        if unknown:
            raise forms.ValidationError(f"Unknown parameter: {', '.join(unknown)}.")
        cleaned["system"] = CodeSystem(cleaned.get("system") or CodeSystem.ICD10)
        cleaned["limit"] = cleaned.get("limit") or DEFAULT_LIMIT
        return cleaned

    def messages(self) -> list[str]:
        return [
            f"{name}: {error}" if name != "__all__" else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]
