"""Input contracts of the lab pages: the add-result form, the entered-in-error
mark and the LOINC search. The service re-checks every rule for callers that
are not forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from practica.labs.loinc import DEFAULT_LIMIT, MAX_LIMIT
from practica.labs.models import Flag
from practica.labs.services import REASON_MAX

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
NUMBER = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
OPTIONS_ID = "loinc-options"


class LabResultForm(forms.Form):
    loinc_code = forms.CharField(
        label="Test (LOINC)",
        max_length=300,
        help_text='Type a code or words ("a1c", "vitamin d"), then pick.',
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": OPTIONS_ID}),
    )
    test_name = forms.CharField(
        label="Test name",
        max_length=250,
        required=False,
        help_text="Only for a code not in the list.",
    )
    value = forms.CharField(
        max_length=120,
        help_text="A number (5.6, <0.5) or the lab's words (Positive).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.CharField(
        max_length=40, required=False, help_text="Blank: the test's usual unit."
    )
    reference_low = forms.DecimalField(
        label="Reference low", required=False, max_digits=14, widget=NUMBER
    )
    reference_high = forms.DecimalField(
        label="Reference high", required=False, max_digits=14, widget=NUMBER
    )
    reference_text = forms.CharField(
        label="Reference range (words)",
        max_length=120,
        required=False,
        help_text="Leave the range blank for the usual adult range.",
    )
    flag = forms.ChoiceField(
        choices=[("", "From the range"), *Flag.choices],
        required=False,
    )
    collected_at = forms.DateTimeField(
        label="Collected at", widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    reported_at = forms.DateTimeField(
        label="Reported at",
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
    )
    performer = forms.CharField(label="Lab", max_length=150, required=False)
    comment = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loinc_code"].widget.attrs.update(
            {
                # htmx fills the datalist as the user types (see the template).
                "hx-get": reverse("labs:code-search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{OPTIONS_ID}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ").capitalize())
            field.error_messages.update(
                {
                    "required": "enter it.",
                    "invalid": "enter a valid value.",
                }
            )
            if isinstance(field, forms.DecimalField):
                field.error_messages["invalid"] = "enter a number."
            if isinstance(field, forms.DateTimeField):
                field.error_messages["invalid"] = "enter a date and time."
            field.label = label

    def clean_loinc_code(self) -> str:
        """The code, however it was picked ("4548-4 Hemoglobin A1c/...")."""
        text: str = self.cleaned_data["loinc_code"].strip()
        return text.split(" ", 1)[0] if text else text


class ErrorMarkForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        help_text="For example: another patient's report.",
        error_messages={
            "required": "say why the result is in error.",
            "max_length": f"at most {REASON_MAX} characters.",
        },
    )


class CodeSearchForm(forms.Form):
    """?q=...&limit=N. The add form's own field (loinc_code), as htmx sends
    it, is read as the query too."""

    q = forms.CharField(required=False, max_length=100)
    loinc_code = forms.CharField(required=False, max_length=300)
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": "Limit: enter a whole number.",
            "min_value": f"Limit: use 1 to {MAX_LIMIT}.",
            "max_value": f"Limit: use 1 to {MAX_LIMIT}.",
        },
    )

    def query(self) -> str:
        text: str = self.cleaned_data["q"] or self.cleaned_data["loinc_code"]
        return text.strip()

    def limit_value(self) -> int:
        limit: int | None = self.cleaned_data["limit"]
        return limit or DEFAULT_LIMIT

    def messages(self) -> list[str]:
        return [str(m) for errors in self.errors.values() for m in errors]
