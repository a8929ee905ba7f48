"""Template tags behind the field partials (`charting/fields/_input.html`,
`charting/fields/_value.html`): they turn a field, its value and its input
name into ready-to-loop data, so the partials need no lookups by key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from django import template

from practica.charting.note_fields import (
    BODY_REGIONS,
    FIELD_TYPE_LABELS,
    REGION_GROUPS,
    SCALE_MAX,
    SIDES,
    TEXT_MAX,
    TEXTAREA_MAX,
    TemplateField,
    as_raw,
    cell_name,
    display_value,
    is_blank,
    region_label,
    stored_value,
)
from practica.scheduling.models import Modality

register = template.Library()


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class SidedRegion:
    label: str
    right: Option
    left: Option


@dataclass(frozen=True)
class RegionGroup:
    title: str
    central: list[Option]
    sided: list[SidedRegion]


@dataclass(frozen=True)
class Cell:
    name: str
    id: str
    value: str
    label: str


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Input:
    kind: str
    id: str
    label: str
    required: bool
    help: str
    text: str = ""
    max_length: int = 0
    is_group: bool = False
    options: list[Option] = dataclass_field(default_factory=list)
    groups: list[RegionGroup] = dataclass_field(default_factory=list)
    columns: list[str] = dataclass_field(default_factory=list)
    rows: list[TableRow] = dataclass_field(default_factory=list)
    numeric_cells: bool = False


def _choice_options(
    values: list[str], chosen: set[str], base_id: str, labels: list[str] | None = None
) -> list[Option]:
    return [
        Option(
            value=value,
            label=labels[i] if labels else value,
            checked=value in chosen,
            id=f"{base_id}_{i}",
        )
        for i, value in enumerate(values)
    ]


def _region_groups(chosen: set[str], base_id: str) -> list[RegionGroup]:
    def option(code: str) -> Option:
        return Option(
            value=code,
            label=region_label(code),
            checked=code in chosen,
            id=f"{base_id}_{code}",
        )

    groups = []
    for title in REGION_GROUPS:
        central = [
            option(r.code)
            for r in BODY_REGIONS
            if r.group == title and not r.code.startswith(("right_", "left_"))
        ]
        sided = []
        right_codes = [
            r.code
            for r in BODY_REGIONS
            if r.group == title and r.code.startswith(f"{SIDES[0][0]}_")
        ]
        for right in right_codes:
            base = right.removeprefix("right_")
            label = region_label(right).removeprefix("Right ")
            sided.append(
                SidedRegion(
                    label=label[:1].upper() + label[1:],
                    right=option(right),
                    left=option(f"left_{base}"),
                )
            )
        groups.append(RegionGroup(title=title, central=central, sided=sided))
    return groups


@register.simple_tag
def field_input(field: TemplateField, value: object, name: str) -> Input:
    """Everything `_input.html` shows for `field` with `value` (stored or as
    posted) under the input name `name`."""
    kind = field["type"]
    raw = as_raw(field, value)
    base_id = f"id_{name}"
    common = Input(
        kind=kind,
        id=base_id,
        label=field["label"],
        required=bool(field.get("required", False)),
        help=field.get("help", ""),
    )
    if kind in ("checklist", "body_region"):
        chosen = set(raw) if isinstance(raw, list) else set()
        if kind == "checklist":
            options = _choice_options(field.get("choices", []), chosen, base_id)
            return replace(common, is_group=True, options=options)
        return replace(common, is_group=True, groups=_region_groups(chosen, base_id))
    if kind == "table":
        cells = raw if isinstance(raw, dict) else {}
        columns = field.get("columns", [])
        rows = [
            TableRow(
                label=row,
                cells=[
                    Cell(
                        name=cell_name(name, r, c),
                        id=f"{base_id}__{r}__{c}",
                        value=cells.get(row, {}).get(column, ""),
                        label=f"{row}, {column}",
                    )
                    for c, column in enumerate(columns)
                ],
            )
            for r, row in enumerate(field.get("rows", []))
        ]
        return replace(
            common,
            is_group=True,
            columns=columns,
            rows=rows,
            numeric_cells=field.get("cell", "text") == "number",
        )
    text = raw if isinstance(raw, str) else ""
    if kind == "choice":
        options = _choice_options(field.get("choices", []), {text}, base_id)
        return replace(common, text=text, options=options)
    if kind == "scale":
        values = [str(i) for i in range(SCALE_MAX + 1)]
        return replace(
            common, text=text, options=_choice_options(values, {text}, base_id)
        )
    limit = {"text": TEXT_MAX, "textarea": TEXTAREA_MAX}.get(kind, 0)
    return replace(common, text=text, max_length=limit)


@dataclass(frozen=True)
class Display:
    kind: str
    blank: bool
    text: str = ""
    items: list[str] = dataclass_field(default_factory=list)
    columns: list[str] = dataclass_field(default_factory=list)
    rows: list[tuple[str, list[str]]] = dataclass_field(default_factory=list)


@register.simple_tag
def field_display(field: TemplateField, value: object) -> Display:
    """Everything `_value.html` shows for a stored value."""
    kind = field["type"]
    stored = stored_value(field, value)
    if is_blank(stored):
        return Display(kind=kind, blank=True)
    if isinstance(stored, list):
        items = [region_label(v) for v in stored] if kind == "body_region" else stored
        return Display(kind=kind, blank=False, items=items)
    if isinstance(stored, dict):
        columns = field.get("columns", [])
        rows = [
            (row, [stored[row].get(column, "") for column in columns])
            for row in field.get("rows", [])
            if row in stored
        ]
        return Display(kind=kind, blank=False, columns=columns, rows=rows)
    return Display(kind=kind, blank=False, text=display_value(field, stored))


@register.filter
def field_type_label(kind: str) -> str:
    return FIELD_TYPE_LABELS.get(kind, kind)


@register.filter
def modality_label(value: str) -> str:
    """A modality code as its name ("foot_care" → "Foot care nursing")."""
    return str(dict(Modality.choices).get(value, value))
