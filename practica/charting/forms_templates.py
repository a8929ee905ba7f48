"""Input contract of the template builder.

The builder posts the whole definition each time: the name and modality, then
`field_count` fields as `f-<i>-<part>`. A button's `action` edits the list
without saving (add, remove-<i>, up-<i>, down-<i>, section-up-<n>,
section-down-<n>, preview) or saves it (save). Choices, rows and columns are
written one per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.text import slugify

from practica.charting.forms import FormSection, NoteContentForm
from practica.charting.models import NoteTemplate
from practica.charting.note_fields import (
    CELL_TYPES,
    FIELD_TYPE_LABELS,
    FIELD_TYPES,
    FIELDS_MAX,
    NAME_MAX,
    SECTIONS,
    TemplateField,
    section_title,
    validate_template_fields,
)
from practica.scheduling.models import Modality

ACTION = re.compile(r"^(remove|up|down|section-up|section-down)-(\d+)$")
DEFAULT_SECTION = "Subjective"
# A field's parts as posted; each is a string (required is "on" when ticked).
PARTS = ("name", "label", "type", "section", "help", "choices", "rows", "columns")


@dataclass(frozen=True)
class FieldDraft:
    """One field as the builder shows it (lists as one item per line)."""

    name: str = ""
    label: str = ""
    type: str = "text"
    section: str = DEFAULT_SECTION
    required: bool = False
    help: str = ""
    choices: str = ""
    rows: str = ""
    columns: str = ""
    cell: str = "text"

    @classmethod
    def from_field(cls, field: TemplateField) -> FieldDraft:
        return cls(
            name=field["name"],
            label=field["label"],
            type=field["type"],
            section=section_title(field["section"]),
            required=bool(field.get("required", False)),
            help=field.get("help", ""),
            choices="\n".join(field.get("choices", [])),
            rows="\n".join(field.get("rows", [])),
            columns="\n".join(field.get("columns", [])),
            cell=field.get("cell", "text"),
        )

    def to_field(self, name: str) -> TemplateField:
        """The stored definition: only the parts the field's type uses."""
        field: TemplateField = {
            "name": name,
            "label": self.label.strip(),
            "section": self.section.strip(),
            "type": self.type,  # type: ignore[typeddict-item]  # checked by validate_template_fields
        }
        if self.required:
            field["required"] = True
        if self.type in ("choice", "checklist"):
            field["choices"] = _lines(self.choices)
        if self.type == "table":
            field["rows"] = _lines(self.rows)
            field["columns"] = _lines(self.columns)
            field["cell"] = "number" if self.cell == "number" else "text"
        if self.help.strip():
            field["help"] = self.help.strip()
        return field


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _auto_name(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[: NAME_MAX - 3].strip("_")
    if not base or not base[0].isalpha():
        base = f"field_{base}".strip("_")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


class TemplateMetaForm(forms.Form):
    name = forms.CharField(
        label="Template name",
        max_length=120,
        error_messages={
            "required": "Write the template's name.",
            "max_length": "Keep it under 120 characters.",
        },
    )
    modality = forms.ChoiceField(
        label="Modality",
        choices=Modality.choices,
        error_messages={
            "required": "Choose the modality.",
            "invalid_choice": "Choose one of the listed modalities.",
        },
    )


@dataclass(frozen=True)
class SectionSummary:
    index: int
    title: str
    field_count: int
    is_first: bool
    is_last: bool


@dataclass(frozen=True)
class DraftRow:
    """A field draft as the builder page shows it."""

    index: int
    number: int
    draft: FieldDraft
    errors: list[str]
    is_first: bool
    is_last: bool


class TemplateBuilder:
    """The posted definition, the action asked for, and the resulting fields."""

    def __init__(
        self,
        *,
        data: Mapping[str, Any] | None = None,
        template: NoteTemplate | None = None,
    ) -> None:
        self.action = ""
        if data is None:
            initial = (
                {"name": template.name, "modality": template.modality}
                if template is not None
                else None
            )
            self.meta = TemplateMetaForm(initial=initial)
            fields = template.fields if template is not None else []
            self.drafts = [FieldDraft.from_field(f) for f in fields] or [FieldDraft()]
        else:
            self.meta = TemplateMetaForm(data=data)
            self.drafts = self._parse(data)
            self.action = str(data.get("action", ""))
        self.errors: list[str] = []
        self.apply_action()

    @staticmethod
    def _parse(data: Mapping[str, Any]) -> list[FieldDraft]:
        try:
            count = int(str(data.get("field_count", "0")))
        except ValueError:
            count = 0
        drafts = []
        for i in range(max(0, min(count, FIELDS_MAX + 1))):
            parts = {p: str(data.get(f"f-{i}-{p}", "")) for p in PARTS}
            drafts.append(
                FieldDraft(
                    **parts,
                    required=bool(data.get(f"f-{i}-required")),
                    cell=str(data.get(f"f-{i}-cell", "text")),
                )
            )
        return drafts

    # --- actions that edit the list without saving -------------------------

    @property
    def wants_save(self) -> bool:
        return self.action == "save"

    def apply_action(self) -> None:
        if self.action == "add":
            section = self.drafts[-1].section if self.drafts else DEFAULT_SECTION
            self.drafts.append(FieldDraft(section=section))
            return
        match = ACTION.match(self.action)
        if match is None:
            return
        verb, index = match.group(1), int(match.group(2))
        if verb.startswith("section-"):
            self._move_section(index, -1 if verb == "section-up" else 1)
        elif 0 <= index < len(self.drafts):
            if verb == "remove":
                del self.drafts[index]
            else:
                other = index + (-1 if verb == "up" else 1)
                if 0 <= other < len(self.drafts):
                    d = self.drafts
                    d[index], d[other] = d[other], d[index]

    def _move_section(self, index: int, step: int) -> None:
        titles = self.section_titles()
        other = index + step
        if not (0 <= index < len(titles) and 0 <= other < len(titles)):
            return
        titles[index], titles[other] = titles[other], titles[index]
        order = {title: n for n, title in enumerate(titles)}
        # A stable sort keeps the fields' order within each section.
        self.drafts.sort(key=lambda d: order[self._title(d)])

    @staticmethod
    def _title(draft: FieldDraft) -> str:
        return section_title(draft.section.strip()) or DEFAULT_SECTION

    def section_titles(self) -> list[str]:
        titles: list[str] = []
        for draft in self.drafts:
            title = self._title(draft)
            if title not in titles:
                titles.append(title)
        return titles

    # --- the result -----------------------------------------------------------

    def template_fields(self) -> list[TemplateField]:
        """The definition; a field without a name gets one from its label."""
        taken = {d.name.strip() for d in self.drafts if d.name.strip()}
        fields = []
        for draft in self.drafts:
            name = draft.name.strip()
            if not name and draft.label.strip():
                name = _auto_name(draft.label, taken)
                taken.add(name)
            fields.append(draft.to_field(name))
        return fields

    def is_valid(self) -> bool:
        """Validate the name, modality and fields; `errors` lists every
        message (fields named by position and label)."""
        meta_ok = self.meta.is_valid()
        self.errors = [
            f"{self.meta.fields[name].label}: {error}"
            for name, errors in self.meta.errors.items()
            for error in errors
        ]
        self.errors += validate_template_fields(self.template_fields())
        return meta_ok and not self.errors

    def name(self) -> str:
        return str(self.meta.cleaned_data["name"])

    def modality(self) -> str:
        return str(self.meta.cleaned_data["modality"])

    def rows(self) -> list[DraftRow]:
        last = len(self.drafts) - 1
        return [
            DraftRow(
                index=i,
                number=i + 1,
                draft=draft,
                errors=[e for e in self.errors if e.startswith(f"Field {i + 1}:")]
                + [e for e in self.errors if e.startswith(f"Field {i + 1} (")],
                is_first=i == 0,
                is_last=i == last,
            )
            for i, draft in enumerate(self.drafts)
        ]

    def sections(self) -> list[SectionSummary]:
        titles = self.section_titles()
        counts = dict.fromkeys(titles, 0)
        for draft in self.drafts:
            counts[self._title(draft)] += 1
        return [
            SectionSummary(
                index=i,
                title=t,
                field_count=counts[t],
                is_first=i == 0,
                is_last=i == len(titles) - 1,
            )
            for i, t in enumerate(titles)
        ]

    def preview(self) -> list[FormSection]:
        """The form a note would show, when the fields are valid."""
        fields = self.template_fields()
        if validate_template_fields(fields):
            return []
        return NoteContentForm(fields=fields).sections()

    @staticmethod
    def type_choices() -> list[tuple[str, str]]:
        return [(t, FIELD_TYPE_LABELS[t]) for t in FIELD_TYPES]

    @staticmethod
    def cell_choices() -> list[tuple[str, str]]:
        return [(c, c.capitalize()) for c in CELL_TYPES]

    def section_suggestions(self) -> list[str]:
        titles = self.section_titles()
        return titles + [t for _, t in SECTIONS if t not in titles]
