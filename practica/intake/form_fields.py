"""The fields of a clinic form: their shape, their validation in the builder,
and the cleaning of a patient's posted answers.

A form field is a note template field (`charting.note_fields`) with a free
section title and, optionally, a chart mapping (`maps_to`). The field types
are the note template field types; answers are stored as JSON:
text, textarea and choice -> str; number -> decimal string; scale -> int 0-10;
checklist -> list of the chosen choices; date -> ISO date string; None when
left empty.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NotRequired, TypedDict

from django.http import QueryDict

from practica.charting import note_fields

TEXT_MAX = 500
TEXTAREA_MAX = 5_000
LABEL_MAX = 200
HELP_MAX = 300
CHOICE_MAX = 120
MAX_FIELDS = 80
MAX_CHOICES = 60
SCALE_MAX = 10

# The note template field types, plus the two a questionnaire cannot do
# without, until the note template module offers them itself.
FORM_FIELD_TYPES: tuple[str, ...] = tuple(
    dict.fromkeys((*note_fields.FIELD_TYPES, "checklist", "date"))
)
CLEANED_TYPES = frozenset(
    {"text", "textarea", "number", "choice", "scale", "checklist", "date"}
)
FIELD_TYPE_LABELS = {
    "text": "Short text",
    "textarea": "Long text",
    "number": "Number",
    "choice": "Choice (one)",
    "scale": "Scale 0-10",
    "checklist": "Checklist (several)",
    "date": "Date",
}
CHOICE_TYPES = frozenset({"choice", "checklist"})

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

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Answer = str | int | list[str] | None


class FormField(TypedDict):
    name: str
    label: str
    section: str
    type: str
    required: NotRequired[bool]
    choices: NotRequired[list[str]]
    help: NotRequired[str]
    maps_to: NotRequired[str]
    # For a checklist mapped to the problem list: choice -> ICD-10 code.
    codes: NotRequired[dict[str, str]]


def type_label(kind: str) -> str:
    return FIELD_TYPE_LABELS.get(kind, kind.replace("_", " ").capitalize())


def is_blank(value: object) -> bool:
    if isinstance(value, list):
        return not value
    return note_fields.is_blank(value)


# --- Definition checks (the builder) ------------------------------------------


def definition_errors(fields: Sequence[Mapping[str, object]]) -> list[str]:
    """What is wrong with a list of field definitions, each message naming the
    field; empty when the list is sound."""
    errors: list[str] = []
    if not fields:
        errors.append("Fields: add at least one question.")
    if len(fields) > MAX_FIELDS:
        errors.append(f"Fields: at most {MAX_FIELDS} questions.")
    seen: set[str] = set()
    for position, field in enumerate(fields, 1):
        label = str(field.get("label", "")).strip()
        name = str(field.get("name", ""))
        named = f"Question {position} ({label or 'no label'})"
        if not label:
            errors.append(f"{named}: give it a label.")
        elif len(label) > LABEL_MAX:
            errors.append(f"{named}: keep the label under {LABEL_MAX} characters.")
        if not _NAME.match(name):
            errors.append(
                f"{named}: the name must be lower-case letters, digits or "
                "underscores, starting with a letter."
            )
        elif name in seen:
            errors.append(f"{named}: the name {name} is used twice.")
        seen.add(name)
        kind = str(field.get("type", ""))
        if kind not in FORM_FIELD_TYPES:
            errors.append(f"{named}: choose a listed field type.")
        choices = field.get("choices") or []
        if kind in CHOICE_TYPES:
            if not isinstance(choices, list) or not choices:
                errors.append(f"{named}: list the choices, one per line.")
            elif len(choices) > MAX_CHOICES:
                errors.append(f"{named}: at most {MAX_CHOICES} choices.")
            elif len(set(choices)) != len(choices):
                errors.append(f"{named}: a choice is listed twice.")
            elif any(len(str(c)) > CHOICE_MAX for c in choices):
                errors.append(
                    f"{named}: keep each choice under {CHOICE_MAX} characters."
                )
        if len(str(field.get("help", ""))) > HELP_MAX:
            errors.append(f"{named}: keep the help text under {HELP_MAX} characters.")
        maps_to = str(field.get("maps_to", ""))
        if maps_to:
            if maps_to not in MAPPING_TARGETS:
                errors.append(f"{named}: choose a listed chart mapping.")
            elif kind not in MAPPABLE_TYPES:
                errors.append(
                    f"{named}: only text, long text, choice and checklist answers "
                    "can map into the chart."
                )
    return errors


def slug_name(label: str) -> str:
    """A field name made from its label ("Current medications" ->
    "current_medications")."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    name = "_".join(words)[:40].strip("_") or "question"
    return name if name[0].isalpha() else f"q_{name}"[:40]


# --- Answers (the patient) -----------------------------------------------------


def _clean_one(field: FormField, data: QueryDict, key: str) -> Answer:
    """The answer to one field, or ValueError with a message (without the
    label) when the posted value does not fit."""
    kind = field["type"]
    if kind == "checklist":
        picked = [v for v in data.getlist(key) if v]
        allowed = field.get("choices", [])
        if any(v not in allowed for v in picked):
            raise ValueError("choose from the listed options.")
        return [c for c in allowed if c in picked]
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    if kind == "text":
        if len(raw) > TEXT_MAX:
            raise ValueError(f"keep it under {TEXT_MAX} characters.")
        return raw
    if kind == "textarea":
        if len(raw) > TEXTAREA_MAX:
            raise ValueError(f"keep it under {TEXTAREA_MAX:,} characters.")
        return raw
    if kind == "choice":
        if raw not in field.get("choices", []):
            raise ValueError("choose one of the listed options.")
        return raw
    if kind == "scale":
        if not raw.isdigit() or int(raw) > SCALE_MAX:
            raise ValueError(f"choose a whole number from 0 to {SCALE_MAX}.")
        return int(raw)
    if kind == "number":
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError("enter a number.") from exc
        if not number.is_finite() or abs(number) >= Decimal("1e9"):
            raise ValueError("enter a number.")
        return format(number.normalize(), "f")
    if kind == "date":
        try:
            value = datetime.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValueError("enter a date as YYYY-MM-DD.") from exc
        return value.isoformat()
    raise ValueError("this question type cannot be answered here.")


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
            value = _clean_one(field, data, prefix + name)
        except ValueError as exc:
            errors[name] = [f"{field['label']}: {exc}"]
            continue
        if field.get("required", False) and is_blank(value):
            errors[name] = [f"{field['label']}: this answer is required."]
            continue
        answers[name] = value
    return answers, errors


def display_answer(field: FormField, value: object) -> str:
    """An answer as text for pages and the PDF ("" when unanswered)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field["type"] == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).strftime("%-d %b %Y")
        except ValueError:
            return value
    if field["type"] == "scale":
        return f"{value} / {SCALE_MAX}"
    return str(value)


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
