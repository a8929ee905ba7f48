"""The fields of a clinic form: their shape, their validation in the builder,
and the cleaning of a patient's posted answers.

A form field is a note template field (`charting.note_fields`, the public API
of the field types: text, textarea, number, choice, scale, checklist,
body_region, date, table) with a free section title and, optionally, a chart
mapping (`maps_to`). Answers are stored in the note content shapes that
module documents; validation, display and the complex inputs are its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NotRequired

from django.http import QueryDict

from practica.charting import note_fields
from practica.charting.note_fields import FieldType, TemplateField

MAX_FIELDS = note_fields.FIELDS_MAX
LABEL_MAX = note_fields.LABEL_MAX
HELP_MAX = note_fields.HELP_MAX
FORM_FIELD_TYPES: tuple[FieldType, ...] = note_fields.FIELD_TYPES
CHOICE_TYPES = frozenset({"choice", "checklist"})
DEFAULT_SECTION = "Questions"

# Chart lists an answer may propose entries for, on a clinician's acceptance.
MAPPING_TARGETS: dict[str, str] = {
    "allergy": "Allergies",
    "medication": "Medications",
    "problem": "Problem list (ICD-10)",
    "history:past_condition": "History: past conditions",
    "history:surgery": "History: surgeries",
    "history:family": "History: family",
    "history:social": "History: social",
}
# Types whose answer can be split into proposed entries.
MAPPABLE_TYPES = frozenset({"text", "textarea", "choice", "checklist"})

Answer = note_fields.ContentValue


class FormField(TemplateField):
    maps_to: NotRequired[str]
    # For a checklist mapped to the problem list: choice -> ICD-10 code.
    codes: NotRequired[dict[str, str]]


def type_label(kind: str) -> str:
    return note_fields.FIELD_TYPE_LABELS.get(kind, kind.replace("_", " ").capitalize())


def field_type(value: str) -> FieldType:
    """The field type named `value` (ValueError when none is)."""
    for kind in FORM_FIELD_TYPES:
        if kind == value:
            return kind
    raise ValueError(value)


def is_blank(value: object) -> bool:
    return note_fields.is_blank(value)


# --- Definition checks (the builder) ------------------------------------------


def definition_errors(fields: Sequence[Mapping[str, object]]) -> list[str]:
    """What is wrong with a list of field definitions, each message naming the
    field (the note template rules, plus the chart mappings); empty when the
    list is sound."""
    errors = note_fields.validate_template_fields(list(fields))
    for position, field in enumerate(fields, 1):
        maps_to = str(field.get("maps_to", "") or "")
        if not maps_to:
            continue
        label = str(field.get("label", "")).strip()
        where = f"Field {position} ({label})" if label else f"Field {position}"
        if maps_to not in MAPPING_TARGETS:
            errors.append(f"{where}: choose a listed chart mapping.")
        elif field.get("type") not in MAPPABLE_TYPES:
            errors.append(
                f"{where}: only short text, long text, choice and checklist "
                "answers can map into the chart."
            )
    return errors


def slug_name(label: str) -> str:
    """A field name made from its label ("Current medications" ->
    "current_medications")."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    name = "_".join(words)[:40].strip("_") or "question"
    return name if name[0].isalpha() else f"q_{name}"[:40]


# --- Answers (the patient) -----------------------------------------------------


class PostedAnswers:
    """A POST as `note_fields` reads it (get, getlist, in)."""

    def __init__(self, data: QueryDict) -> None:
        self._data = data

    def get(self, key: str, default: object = None, /) -> object:
        return self._data.get(key, default)

    def getlist(self, key: str) -> list[str]:
        return self._data.getlist(key)

    def __contains__(self, key: object, /) -> bool:
        return key in self._data


def clean_answers(
    fields: Sequence[FormField], data: QueryDict, *, prefix: str = "f-"
) -> tuple[dict[str, Answer], dict[str, list[str]]]:
    """The answers posted for `fields` (input names are prefix + field name),
    and the errors per field name, each message naming the field's label."""
    answers: dict[str, Answer] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        name = field["name"]
        try:
            value = note_fields.clean_value(field, PostedAnswers(data), prefix)
        except note_fields.FieldValueError as exc:
            errors[name] = [f"{field['label']}: {exc.reason}"]
            continue
        if field.get("required", False) and is_blank(value):
            errors[name] = [f"{field['label']}: this answer is required."]
            continue
        answers[name] = value
    return answers, errors


def display_answer(field: FormField, value: object) -> str:
    """An answer as text for pages and the PDF ("" when unanswered)."""
    return note_fields.display_value(field, value)


@dataclass(frozen=True)
class AnsweredField:
    name: str
    label: str
    type: str
    text: str
    lines: list[str]


@dataclass(frozen=True)
class AnsweredSection:
    title: str
    fields: list[AnsweredField]


def answered_sections(
    fields: Sequence[FormField], answers: Mapping[str, object]
) -> list[AnsweredSection]:
    """The form's questions grouped by section, in field order, with answers."""
    sections: list[AnsweredSection] = []
    for field in fields:
        text = display_answer(field, answers.get(field["name"]))
        answered = AnsweredField(
            name=field["name"],
            label=field["label"],
            type=field["type"],
            text=text,
            lines=[line for line in text.splitlines() if line.strip()],
        )
        title = field.get("section", "") or ""
        if sections and sections[-1].title == title:
            sections[-1].fields.append(answered)
        else:
            sections.append(AnsweredSection(title=title, fields=[answered]))
    return sections
