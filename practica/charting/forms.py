"""Input contracts of the charting views.

`NoteContentForm` is built from a template's fields. Every field is optional
while the note is a draft (autosave keeps partial work); required fields are
checked when the note is signed (`services.sign_note`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.charting.models import NoteTemplate
from practica.charting.note_fields import ContentValue, TemplateField

TEXT_MAX = 500
TEXTAREA_MAX = 20_000
ADDENDUM_MAX = 20_000
SCALE_CHOICES = [("", "—"), *((str(i), str(i)) for i in range(11))]


def _help(field: TemplateField) -> str:
    parts = []
    if field.get("required", False):
        parts.append("Required to sign.")
    if field.get("help"):
        parts.append(field.get("help", ""))
    return " ".join(parts)


def _form_field(field: TemplateField) -> forms.Field:
    label = field["label"]
    common: dict[str, Any] = {
        "label": label,
        "required": False,
        "help_text": _help(field),
    }
    kind = field["type"]
    if kind == "textarea":
        return forms.CharField(
            max_length=TEXTAREA_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "max_length": f"Keep it under {TEXTAREA_MAX:,} characters."
            },
            **common,
        )
    if kind == "number":
        return forms.DecimalField(
            max_digits=12,
            decimal_places=3,
            error_messages={
                "invalid": "Enter a number.",
                "max_digits": "Enter a smaller number.",
                "max_decimal_places": "Use at most 3 decimals.",
                "max_whole_digits": "Enter a smaller number.",
            },
            **common,
        )
    if kind == "choice":
        options = field.get("choices", [])
        return forms.ChoiceField(
            choices=[("", "—"), *((c, c) for c in options)],
            error_messages={"invalid_choice": "Choose one of the listed options."},
            **common,
        )
    if kind == "scale":
        return forms.TypedChoiceField(
            choices=SCALE_CHOICES,
            coerce=int,
            empty_value=None,
            error_messages={"invalid_choice": "Enter a whole number from 0 to 10."},
            **common,
        )
    return forms.CharField(
        max_length=TEXT_MAX,
        error_messages={"max_length": f"Keep it under {TEXT_MAX} characters."},
        **common,
    )


class NoteContentForm(forms.Form):
    """A form whose fields are the template's fields, in template order."""

    def __init__(
        self,
        *,
        fields: Sequence[TemplateField],
        data: Mapping[str, Any] | None = None,
        content: Mapping[str, object] | None = None,
    ) -> None:
        initial = {
            name: str(value) if isinstance(value, int) else value
            for name, value in (content or {}).items()
        }
        super().__init__(data=data, initial=initial)
        self.template_fields = list(fields)
        for field in self.template_fields:
            self.fields[field["name"]] = _form_field(field)

    def content(self) -> dict[str, ContentValue]:
        """The cleaned values as JSON-safe note content (numbers as strings)."""
        content: dict[str, ContentValue] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, Decimal):
                content[name] = format(value.normalize(), "f")
            elif isinstance(value, int | str) or value is None:
                content[name] = value
            else:
                content[name] = str(value)
        return content

    def first_errors(self) -> list[str]:
        """One message per invalid field, naming the field label."""
        messages = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            messages.append(f"{label}: {errors[0]}" if label else str(errors[0]))
        return messages


class NoteStartForm(forms.Form):
    """The optional template choice when starting a note; the choices are the
    clinic's active templates (from `selectors.list_templates`)."""

    def __init__(
        self,
        *,
        templates: QuerySet[NoteTemplate],
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data)
        self.fields["template"] = forms.ModelChoiceField(
            queryset=templates,
            required=False,
            label="Template",
            error_messages={"invalid_choice": "Choose one of this clinic's templates."},
        )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=ADDENDUM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the addendum text.",
            "max_length": f"Keep the addendum under {ADDENDUM_MAX:,} characters.",
        },
    )
