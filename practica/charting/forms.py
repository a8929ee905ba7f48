"""Input contracts of the charting views.

`NoteContentForm` is built from a template's fields (`note_fields`). Every
field is optional while the note is a draft (autosave keeps partial work);
required fields are checked when the note is signed (`services.sign_note`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from practica.charting.models import NoteTemplate
from practica.charting.note_fields import (
    ContentValue,
    FieldValueError,
    RawValue,
    TemplateField,
    clean_raw,
    raw_value,
    section_title,
    section_titles,
)

ADDENDUM_MAX = 20_000


def _help(field: TemplateField) -> str:
    parts = []
    if field.get("required", False):
        parts.append("Required to sign.")
    if field.get("help"):
        parts.append(field.get("help", ""))
    return " ".join(parts)


class TemplateFieldWidget(forms.Widget):
    """Reads a template field's posted value (several inputs for checklists,
    body regions and tables); `charting/fields/_input.html` renders it."""

    def __init__(self, template_field: TemplateField) -> None:
        super().__init__()
        self.template_field = template_field

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> RawValue:
        prefix = name.removesuffix(self.template_field["name"])
        return raw_value(self.template_field, data, prefix)  # type: ignore[arg-type]  # a QueryDict or a plain mapping, both with get and in


class TemplateFormField(forms.Field):
    """One template field; cleans to its stored JSON shape."""

    def __init__(self, template_field: TemplateField) -> None:
        super().__init__(
            required=False,
            label=template_field["label"],
            help_text=_help(template_field),
            widget=TemplateFieldWidget(template_field),
        )
        self.template_field = template_field
        self.choices = [("", "—"), *((c, c) for c in template_field.get("choices", []))]

    def clean(self, value: Any) -> ContentValue:
        try:
            return clean_raw(self.template_field, value)
        except FieldValueError as exc:
            raise ValidationError(exc.reason, code="invalid") from None


@dataclass(frozen=True)
class FormItem:
    """One input of the note form, as `charting/fields/_input.html` takes it."""

    field: TemplateField
    name: str
    value: object
    errors: list[str]


@dataclass(frozen=True)
class FormSection:
    code: str
    title: str
    items: list[FormItem]


class NoteContentForm(forms.Form):
    """A form whose fields are the template's fields, in template order."""

    def __init__(
        self,
        *,
        fields: Sequence[TemplateField],
        data: Mapping[str, Any] | None = None,
        content: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(content or {}))
        self.template_fields = list(fields)
        for field in self.template_fields:
            self.fields[field["name"]] = TemplateFormField(field)

    def content(self) -> dict[str, ContentValue]:
        """The cleaned values as JSON-safe note content (numbers as strings)."""
        return {
            field["name"]: self.cleaned_data.get(field["name"])
            for field in self.template_fields
            if field["name"] in self.cleaned_data
        }

    def sections(self) -> list[FormSection]:
        """The inputs grouped by section, in the order of each section's
        first field; values are as posted on a bound form."""
        grouped: dict[str, list[FormItem]] = {
            title: [] for title in section_titles(self.template_fields)
        }
        for field in self.template_fields:
            bound = self[field["name"]]
            grouped[section_title(field["section"])].append(
                FormItem(
                    field=field,
                    name=bound.html_name,
                    value=bound.value(),
                    errors=[str(e) for e in bound.errors],
                )
            )
        return [
            FormSection(code=f"s{index}", title=title, items=items)
            for index, (title, items) in enumerate(grouped.items(), start=1)
        ]

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
