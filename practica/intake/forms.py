"""Input contracts of the intake pages: the form builder (a form's settings
and one row per question), the signer of a consent, superseding a submission
and deciding a proposed chart entry. A patient's answers are read by
`form_fields.clean_answers`, against the form version shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from practica.charting.models import Allergy
from practica.intake.form_fields import (
    DEFAULT_SECTION,
    FORM_FIELD_TYPES,
    HELP_MAX,
    LABEL_MAX,
    MAPPING_TARGETS,
    FormField,
    field_type,
    slug_name,
    type_label,
)
from practica.intake.legal_text import LEGAL_TEXT_MAX
from practica.intake.models import FormKind, SignerRelationship
from practica.intake.services import DESCRIPTION_MAX, REASON_MAX, TITLE_MAX

EXTRA_ROWS = 3
SEVERITY_CHOICES = [("", "Choose…"), *Allergy.Severity.choices]
SECTION_MAX = 60


class DefinitionForm(forms.Form):
    """A form's settings; `kind` only when creating (a version keeps it)."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=FormKind.choices,
        error_messages={"invalid_choice": "Choose a listed kind of form."},
    )
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    description = forms.CharField(
        label="Introduction",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to the patient above the questions.",
    )
    legal_text = forms.CharField(
        label="Legal text",
        required=False,
        max_length=LEGAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=(
            "Consent forms only. Separate paragraphs with a blank line; start a "
            "heading with '# ' and each bullet with '- '. Shown as plain text."
        ),
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["kind"]


class FieldRowForm(forms.Form):
    """One question of the form being built."""

    label = forms.CharField(label="Question", max_length=LABEL_MAX, required=False)
    name = forms.CharField(
        label="Name",
        max_length=40,
        required=False,
        help_text="Left empty, it is made from the question.",
    )
    section = forms.CharField(label="Section", max_length=SECTION_MAX, required=False)
    type = forms.ChoiceField(
        label="Type",
        choices=[(t, type_label(t)) for t in FORM_FIELD_TYPES],
        initial="text",
        error_messages={"invalid_choice": "Choose a listed field type."},
    )
    required = forms.BooleanField(label="Required", required=False)
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Choice and checklist: one per line.",
    )
    rows = forms.CharField(
        label="Table rows",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Table: one row label per line.",
    )
    columns = forms.CharField(
        label="Table columns",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Table: one column label per line.",
    )
    help = forms.CharField(label="Help text", max_length=HELP_MAX, required=False)
    maps_to = forms.ChoiceField(
        label="Maps into the chart",
        required=False,
        choices=[("", "Nothing"), *MAPPING_TARGETS.items()],
        error_messages={"invalid_choice": "Choose a listed chart mapping."},
    )
    order = forms.IntegerField(label="Order", required=False, min_value=0)
    DELETE = forms.BooleanField(label="Remove", required=False)


FieldRowFormSet = forms.formset_factory(FieldRowForm, extra=EXTRA_ROWS, max_num=80)


def rows_from_fields(fields: Sequence[FormField]) -> list[dict[str, object]]:
    """Initial data of the question rows for an existing version."""
    return [
        {
            "label": f["label"],
            "name": f["name"],
            "section": f.get("section", ""),
            "type": f["type"],
            "required": f.get("required", False),
            "choices": "\n".join(f.get("choices", [])),
            "rows": "\n".join(f.get("rows", [])),
            "columns": "\n".join(f.get("columns", [])),
            "help": f.get("help", ""),
            "maps_to": f.get("maps_to", ""),
            "order": n,
        }
        for n, f in enumerate(fields, 1)
    ]


def _lines(value: object) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def fields_from_rows(
    formset: forms.BaseFormSet[FieldRowForm],
    previous: Sequence[FormField] = (),
) -> list[FormField]:
    """The questions of a valid formset, in their order, blank rows and
    removed ones left out. ICD-10 codes of a previous version's checklist
    carry over for the choices that remain."""
    earlier = {f["name"]: f for f in previous}
    rows: list[tuple[int, int, FormField]] = []
    for position, row in enumerate(formset.forms):
        data = row.cleaned_data
        if not data or data.get("DELETE") or not str(data.get("label", "")).strip():
            continue
        label = str(data["label"]).strip()
        field: FormField = {
            "name": str(data.get("name") or "").strip() or slug_name(label),
            "label": label,
            "section": str(data.get("section") or "").strip() or DEFAULT_SECTION,
            "type": field_type(str(data["type"])),
        }
        if data.get("required"):
            field["required"] = True
        choices = _lines(data.get("choices"))
        if field["type"] in ("choice", "checklist"):
            field["choices"] = choices
        if field["type"] == "table":
            field["rows"] = _lines(data.get("rows"))
            field["columns"] = _lines(data.get("columns"))
        if str(data.get("help") or "").strip():
            field["help"] = str(data["help"]).strip()
        if data.get("maps_to"):
            field["maps_to"] = str(data["maps_to"])
            prior = earlier.get(field["name"])
            codes = prior.get("codes", {}) if prior is not None else {}
            kept = {c: code for c, code in codes.items() if c in choices}
            if kept:
                field["codes"] = kept
        order = data.get("order")
        rows.append(
            (order if order is not None else 10_000 + position, position, field)
        )
    return [field for _, _, field in sorted(rows, key=lambda r: (r[0], r[1]))]


class SignerForm(forms.Form):
    """The hidden version and signature of the fill page, and for a consent
    the signer's name and relationship (checked by the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    signature = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-signature-input": ""})
    )
    signer_name = forms.CharField(
        label="Name of the person signing", required=False, max_length=150
    )
    signer_relationship = forms.ChoiceField(
        label="Signing as",
        required=False,
        choices=SignerRelationship.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages.update(
            {"required": "Form: open it again.", "invalid": "Form: open it again."}
        )


class SupersedeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        help_text="For example: signed by the wrong person; corrected the same day.",
        error_messages={
            "required": "say why it is superseded.",
            "max_length": f"keep it under {REASON_MAX} characters.",
        },
    )


class DecisionForm(forms.Form):
    """Accept or dismiss one proposed chart entry; the values the clinician
    reviewed travel with it and the charting service validates them."""

    proposal = forms.CharField(max_length=120, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("accept", "Accept"), ("dismiss", "Dismiss")],
        error_messages={"invalid_choice": "Choose accept or dismiss."},
    )
    substance = forms.CharField(label="Substance", required=False, max_length=120)
    reaction = forms.CharField(label="Reaction", required=False, max_length=250)
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        choices=SEVERITY_CHOICES,
    )
    name = forms.CharField(label="Medication", required=False, max_length=150)
    dose = forms.CharField(label="Dose", required=False, max_length=60)
    frequency = forms.CharField(label="Frequency", required=False, max_length=60)
    code = forms.CharField(label="ICD-10 code", required=False, max_length=8)
    onset_on = forms.CharField(label="Onset", required=False, max_length=10)
    note = forms.CharField(label="Note", required=False, max_length=500)
    text = forms.CharField(label="Entry", required=False, max_length=500)
    occurred_on = forms.CharField(label="Date", required=False, max_length=10)

    VALUE_FIELDS = (
        "substance",
        "reaction",
        "severity",
        "name",
        "dose",
        "frequency",
        "code",
        "onset_on",
        "note",
        "text",
        "occurred_on",
    )

    def values(self) -> dict[str, str]:
        return {n: str(self.cleaned_data.get(n) or "") for n in self.VALUE_FIELDS}

    def field_messages(self) -> Mapping[str, list[str]]:
        return {
            name: [
                f"{self.fields[name].label}: {e}" if name in self.fields else str(e)
                for e in errors
            ]
            for name, errors in self.errors.items()
        }
