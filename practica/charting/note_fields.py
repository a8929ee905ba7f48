"""The shape of a template field and of the SOAP sections notes are shown in.

A NoteTemplate's `fields` JSON is a list of `TemplateField`; a note's `content`
maps each field name to its value (str for text, textarea and choice; int for a
0-10 scale; a decimal string for number; None or "" when empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

FieldType = Literal["text", "textarea", "number", "choice", "scale"]
FIELD_TYPES: tuple[str, ...] = ("text", "textarea", "number", "choice", "scale")

SECTIONS: tuple[tuple[str, str], ...] = (
    ("S", "Subjective"),
    ("O", "Objective"),
    ("A", "Assessment"),
    ("P", "Plan"),
)
SECTION_NAMES = dict(SECTIONS)

ContentValue = str | int | None


class TemplateField(TypedDict):
    name: str
    label: str
    section: str
    type: FieldType
    required: NotRequired[bool]
    choices: NotRequired[list[str]]
    help: NotRequired[str]


@dataclass(frozen=True)
class FieldValue:
    """One field of a note as shown on the page."""

    name: str
    label: str
    type: str
    value: ContentValue


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    values: list[FieldValue]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sections_of(
    fields: Sequence[TemplateField], content: Mapping[str, object]
) -> list[Section]:
    """The template's fields grouped by SOAP section, each with its value."""
    sections: list[Section] = []
    for code, title in SECTIONS:
        values = []
        for field in fields:
            if field["section"] != code:
                continue
            raw = content.get(field["name"])
            value: ContentValue = raw if isinstance(raw, str | int) else None
            values.append(
                FieldValue(
                    name=field["name"],
                    label=field["label"],
                    type=field["type"],
                    value=value,
                )
            )
        if values:
            sections.append(Section(code=code, title=title, values=values))
    return sections


def missing_required(
    fields: Sequence[TemplateField], content: Mapping[str, object]
) -> list[str]:
    """Labels of required fields left empty, in template order."""
    return [
        field["label"]
        for field in fields
        if field.get("required", False) and is_blank(content.get(field["name"]))
    ]
