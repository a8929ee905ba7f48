"""Template field types: their definition, validation, stored shape and display.

This module is the public API of the field types, shared by note templates
(charting) and by intake and consent forms (intake). A template is a list of
`TemplateField`; a note's (or a submission's) `content` maps each field name
to its value.

Types and the JSON shape of their value (`ContentValue`):

| type        | value                                  | empty  |
| ----------- | -------------------------------------- | ------ |
| text        | str (one line, at most 500 chars)      | ""     |
| textarea    | str (at most 20,000 chars)             | ""     |
| number      | decimal str, e.g. "38.5"               | None   |
| choice      | one of the field's `choices`           | ""     |
| scale       | int 0-10                               | None   |
| checklist   | list of `choices`, in choice order     | []     |
| body_region | list of region codes (`BODY_REGIONS`)  | []     |
| date        | ISO date str "YYYY-MM-DD"              | None   |
| table       | {row label: {column label: str}}       | {}     |

A table's cells are text or (with `"cell": "number"`) decimal strings; blank
cells are left out.

Using a field type elsewhere:
- `validate_template_fields(fields)` lists the errors of a template definition;
- `input_name(field, prefix)` is the form input name of a field; checklist
  and body_region post that name once per ticked box, a table posts
  `<name>__<row>__<col>` per cell (indexes), and each of those three posts a
  hidden `<name>` marker so a form with nothing ticked still names the field;
- `clean_value(field, data, prefix)` reads and validates a posted value
  (QueryDict, or a mapping of stored values) and raises `FieldValueError`
  (a `ValidationError` whose message starts with the field's label);
- `display_value(field, value)` is the value as plain text (PDF, search);
- the partials `charting/fields/_input.html` and `charting/fields/_value.html`
  take `field`, `value`, `name` (the input name) and `errors` (a list of str):
  `{% include "charting/fields/_input.html" with field=f value=v name=n
  errors=e only %}`; they need `charting/note_fields.css`.

Sections: a field's `section` is S, O, A or P (shown as Subjective, Objective,
Assessment, Plan) or a free title ("Data", "Risk assessment"); a template's
sections appear in the order of their first field.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, NotRequired, Protocol, TypedDict

from django.core.exceptions import ValidationError

FieldType = Literal[
    "text",
    "textarea",
    "number",
    "choice",
    "scale",
    "checklist",
    "body_region",
    "date",
    "table",
]
FIELD_TYPES: tuple[FieldType, ...] = (
    "text",
    "textarea",
    "number",
    "choice",
    "scale",
    "checklist",
    "body_region",
    "date",
    "table",
)
FIELD_TYPE_LABELS: dict[str, str] = {
    "text": "Short text",
    "textarea": "Long text",
    "number": "Number",
    "choice": "Choice (one)",
    "scale": "Scale 0-10",
    "checklist": "Checklist (several)",
    "body_region": "Body regions",
    "date": "Date",
    "table": "Table",
}
CellType = Literal["text", "number"]
CELL_TYPES: tuple[CellType, ...] = ("text", "number")

SECTIONS: tuple[tuple[str, str], ...] = (
    ("S", "Subjective"),
    ("O", "Objective"),
    ("A", "Assessment"),
    ("P", "Plan"),
)
SECTION_NAMES = dict(SECTIONS)

TEXT_MAX = 500
TEXTAREA_MAX = 20_000
CELL_MAX = 200
NAME_MAX = 40
LABEL_MAX = 150
SECTION_MAX = 60
HELP_MAX = 300
OPTION_MAX = 100
OPTIONS_MAX = 40
FIELDS_MAX = 80
SCALE_MAX = 10
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

TableValue = dict[str, dict[str, str]]
ContentValue = str | int | list[str] | TableValue | None
# What a form posted, before validation (also what an input partial shows).
RawValue = str | list[str] | TableValue


class TemplateField(TypedDict):
    name: str
    label: str
    section: str
    type: FieldType
    required: NotRequired[bool]
    choices: NotRequired[list[str]]
    rows: NotRequired[list[str]]
    columns: NotRequired[list[str]]
    cell: NotRequired[CellType]
    help: NotRequired[str]


# --- Body regions --------------------------------------------------------------


@dataclass(frozen=True)
class BodyRegion:
    code: str
    label: str
    group: str


_CENTRAL: tuple[tuple[str, str, str], ...] = (
    ("head", "Head", "Head and trunk"),
    ("face", "Face", "Head and trunk"),
    ("cervical_spine", "Cervical spine", "Head and trunk"),
    ("thoracic_spine", "Thoracic spine", "Head and trunk"),
    ("lumbar_spine", "Lumbar spine", "Head and trunk"),
    ("sacrum_coccyx", "Sacrum / coccyx", "Head and trunk"),
    ("chest", "Chest", "Head and trunk"),
    ("abdomen", "Abdomen", "Head and trunk"),
    ("pelvis", "Pelvis", "Head and trunk"),
)
# (code, label, group): each exists on the left and on the right.
_SIDED: tuple[tuple[str, str, str], ...] = (
    ("jaw", "Jaw (TMJ)", "Head and trunk"),
    ("upper_trapezius", "Upper trapezius", "Head and trunk"),
    ("scapula", "Scapula", "Head and trunk"),
    ("ribs", "Ribs", "Head and trunk"),
    ("shoulder", "Shoulder", "Upper limb"),
    ("upper_arm", "Upper arm", "Upper limb"),
    ("elbow", "Elbow", "Upper limb"),
    ("forearm", "Forearm", "Upper limb"),
    ("wrist", "Wrist", "Upper limb"),
    ("hand", "Hand", "Upper limb"),
    ("fingers", "Fingers", "Upper limb"),
    ("hip", "Hip", "Lower limb"),
    ("gluteal", "Gluteal", "Lower limb"),
    ("thigh_anterior", "Thigh - anterior", "Lower limb"),
    ("thigh_posterior", "Thigh - posterior", "Lower limb"),
    ("knee", "Knee", "Lower limb"),
    ("lower_leg_anterior", "Lower leg - anterior", "Lower limb"),
    ("calf", "Calf", "Lower limb"),
    ("ankle", "Ankle", "Lower limb"),
    ("foot_dorsal", "Foot - dorsal", "Foot"),
    ("foot_plantar", "Foot - plantar", "Foot"),
    ("heel", "Heel", "Foot"),
    ("forefoot", "Forefoot (metatarsal heads)", "Foot"),
    ("great_toe", "Great toe", "Foot"),
    ("lesser_toes", "Lesser toes (2-5)", "Foot"),
    ("toenails", "Toenails", "Foot"),
)
SIDES: tuple[tuple[str, str], ...] = (("right", "Right"), ("left", "Left"))
REGION_GROUPS: tuple[str, ...] = ("Head and trunk", "Upper limb", "Lower limb", "Foot")


def _lower_first(label: str) -> str:
    """ "Knee" → "knee", keeping acronyms: "Jaw (TMJ)" → "jaw (TMJ)"."""
    return label[:1].lower() + label[1:]


def _regions() -> tuple[BodyRegion, ...]:
    regions = [BodyRegion(code, label, group) for code, label, group in _CENTRAL]
    for code, label, group in _SIDED:
        for side, side_label in SIDES:
            regions.append(
                BodyRegion(
                    f"{side}_{code}", f"{side_label} {_lower_first(label)}", group
                )
            )
    return tuple(regions)


BODY_REGIONS: tuple[BodyRegion, ...] = _regions()
BODY_REGION_LABELS: dict[str, str] = {r.code: r.label for r in BODY_REGIONS}
_REGION_ORDER: dict[str, int] = {r.code: i for i, r in enumerate(BODY_REGIONS)}


def region_label(code: str) -> str:
    """The region's label ("Right foot - plantar"); an unknown code as is."""
    return BODY_REGION_LABELS.get(code, code)


# --- Sections -------------------------------------------------------------------


def section_title(section: str) -> str:
    """S/O/A/P as their names; any other section is its own title."""
    return SECTION_NAMES.get(section, section)


def section_titles(fields: Sequence[TemplateField]) -> list[str]:
    """The template's section titles in the order of their first field."""
    titles: list[str] = []
    for field in fields:
        title = section_title(field["section"])
        if title not in titles:
            titles.append(title)
    return titles


# --- Template definitions ----------------------------------------------------------


def _options(
    field: Mapping[str, object], key: str, *, where: str, what: str
) -> tuple[list[str], list[str]]:
    """A field's list of option labels and the errors in it."""
    errors: list[str] = []
    value = field.get(key)
    if not isinstance(value, list) or not value:
        return [], [f"{where}: add at least one {what}."]
    options = [o.strip() if isinstance(o, str) else "" for o in value]
    if any(not o for o in options):
        errors.append(f"{where}: a {what} is empty.")
    if any(len(o) > OPTION_MAX for o in options):
        errors.append(f"{where}: keep each {what} under {OPTION_MAX} characters.")
    if len(options) > OPTIONS_MAX:
        errors.append(f"{where}: use at most {OPTIONS_MAX} {what}s.")
    seen: set[str] = set()
    for option in options:
        if option and option.casefold() in seen:
            errors.append(f"{where}: the {what} “{option}” is listed twice.")
        seen.add(option.casefold())
    return options, errors


def validate_template_fields(fields: object) -> list[str]:
    """Every error in a template definition, each naming the field (by its
    label, or its position when it has none). An empty list means valid."""
    if not isinstance(fields, list) or not fields:
        return ["Add at least one field."]
    errors: list[str] = []
    if len(fields) > FIELDS_MAX:
        errors.append(f"Use at most {FIELDS_MAX} fields.")
    names: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, Mapping):
            errors.append(f"Field {position}: not a field definition.")
            continue
        label = field.get("label")
        label = label.strip() if isinstance(label, str) else ""
        where = f"Field {position} ({label})" if label else f"Field {position}"
        if not label:
            errors.append(f"{where}: write a label.")
        elif len(label) > LABEL_MAX:
            errors.append(f"{where}: keep the label under {LABEL_MAX} characters.")
        name = field.get("name")
        if not isinstance(name, str) or not name:
            errors.append(f"{where}: give the field a name.")
        elif len(name) > NAME_MAX or not NAME_PATTERN.match(name):
            errors.append(
                f"{where}: the name “{name}” must start with a letter and use only "
                f"lower-case letters, digits and _ (at most {NAME_MAX})."
            )
        elif name in names:
            errors.append(f"{where}: the name “{name}” is used by another field.")
        else:
            names.add(name)
        section = field.get("section")
        if not isinstance(section, str) or not section.strip():
            errors.append(f"{where}: choose a section.")
        elif len(section) > SECTION_MAX:
            errors.append(
                f"{where}: keep the section title under {SECTION_MAX} characters."
            )
        help_text = field.get("help", "")
        if not isinstance(help_text, str) or len(help_text) > HELP_MAX:
            errors.append(f"{where}: keep the help text under {HELP_MAX} characters.")
        if not isinstance(field.get("required", False), bool):
            errors.append(f"{where}: required must be yes or no.")
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(f"{where}: choose a field type.")
        elif kind in ("choice", "checklist"):
            errors += _options(field, "choices", where=where, what="choice")[1]
        elif kind == "table":
            errors += _options(field, "rows", where=where, what="row")[1]
            errors += _options(field, "columns", where=where, what="column")[1]
            if field.get("cell", "text") not in CELL_TYPES:
                errors.append(f"{where}: table cells are text or number.")
    return errors


# --- Posted values ---------------------------------------------------------------


class FieldValueError(ValidationError):
    """A posted value a field refuses. `reason` is the message without the
    label; the message (str) names the field: "Pain: Enter a whole number..."."""

    def __init__(self, field: TemplateField, reason: str) -> None:
        super().__init__(f"{field['label']}: {reason}", code="invalid")
        self.field_name = field["name"]
        self.reason = reason


class PostedData(Protocol):
    """A QueryDict, or a plain mapping (values may be stored values)."""

    def get(self, key: str, default: object = None, /) -> object: ...

    def __contains__(self, key: object, /) -> bool: ...


def input_name(field: TemplateField, prefix: str = "") -> str:
    return f"{prefix}{field['name']}"


def cell_name(name: str, row: int, column: int) -> str:
    return f"{name}__{row}__{column}"


def _getlist(data: PostedData, name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values: object = getlist(name) if callable(getlist) else data.get(name)
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return [str(values)]
    return [str(v) for v in values if str(v) != ""]


def is_posted(field: TemplateField, data: PostedData, prefix: str = "") -> bool:
    """Whether `data` names the field at all (see the hidden marker above)."""
    return input_name(field, prefix) in data


def raw_value(field: TemplateField, data: PostedData, prefix: str = "") -> RawValue:
    """The value posted for `field`, not yet validated: a str, a list of str
    (checklist, body_region) or a table of str (table)."""
    name = input_name(field, prefix)
    kind = field["type"]
    if kind in ("checklist", "body_region"):
        return _getlist(data, name)
    if kind == "table":
        stored = data.get(name)
        if isinstance(stored, Mapping):
            return {
                str(row): {str(col): str(cell) for col, cell in cells.items()}
                for row, cells in stored.items()
                if isinstance(cells, Mapping)
            }
        table: TableValue = {}
        for r, row in enumerate(field.get("rows", [])):
            for c, column in enumerate(field.get("columns", [])):
                cell = data.get(cell_name(name, r, c))
                if isinstance(cell, list):
                    cell = cell[-1] if cell else None
                if cell is not None and str(cell) != "":
                    table.setdefault(row, {})[column] = str(cell)
        return table
    value = data.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    return "" if value is None else str(value)


def _decimal(text: str) -> Decimal | None:
    """A number of at most 12 digits, 3 of them decimals; None if not one."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number


def _clean_number(field: TemplateField, text: str) -> str | None:
    if not text.strip():
        return None
    number = _decimal(text)
    if number is None:
        raise FieldValueError(field, "Enter a number.")
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > 3:  # three decimals, as the message says
        raise FieldValueError(field, "Use at most 3 decimals.")
    if abs(number) >= Decimal(10) ** 9:
        raise FieldValueError(field, "Enter a smaller number.")
    return format(number.normalize(), "f")


def _clean_cell(field: TemplateField, row: str, column: str, text: str) -> str:
    where = f"{row}, {column}"
    text = text.strip()
    if field.get("cell", "text") == "number":
        if text and _decimal(text) is None:
            raise FieldValueError(field, f"{where}: enter a number.")
        number = _decimal(text)
        if number is None:
            return ""
        if abs(number) >= Decimal(10) ** 9:
            raise FieldValueError(field, f"{where}: enter a smaller number.")
        return format(number.normalize(), "f")
    if len(text) > CELL_MAX:
        raise FieldValueError(
            field, f"{where}: keep each cell under {CELL_MAX} characters."
        )
    return text


def clean_raw(field: TemplateField, raw: RawValue) -> ContentValue:
    """Validate a raw value; return its stored shape or raise FieldValueError."""
    kind = field["type"]
    if kind in ("checklist", "body_region"):
        items = (
            raw
            if isinstance(raw, list)
            else ([raw] if isinstance(raw, str) and raw else [])
        )
        if kind == "checklist":
            order = {c: i for i, c in enumerate(field.get("choices", []))}
            unknown = "Choose only the listed options."
        else:
            order = _REGION_ORDER
            unknown = "Choose only the listed body regions."
        if any(item not in order for item in items):
            raise FieldValueError(field, unknown)
        return sorted(set(items), key=order.__getitem__)
    if kind == "table":
        if not isinstance(raw, Mapping):
            raise FieldValueError(field, "Fill in the table's cells.")
        rows, columns = field.get("rows", []), field.get("columns", [])
        table: TableValue = {}
        for row, cells in raw.items():
            if row not in rows or any(col not in columns for col in cells):
                raise FieldValueError(field, "Use only the table's rows and columns.")
            for column in columns:
                if column in cells:
                    value = _clean_cell(field, row, column, cells[column])
                    if value:
                        table.setdefault(row, {})[column] = value
        # Rows and columns in the template's order.
        return {
            row: {c: table[row][c] for c in columns if c in table[row]}
            for row in rows
            if row in table
        }
    if not isinstance(raw, str):
        raise FieldValueError(field, "Enter a single value.")
    text = raw.strip()
    if kind == "number":
        return _clean_number(field, raw)
    if kind == "scale":
        if not text:
            return None
        if not text.isdigit() or int(text) > SCALE_MAX:
            raise FieldValueError(field, "Enter a whole number from 0 to 10.")
        return int(text)
    if kind == "choice":
        if text and text not in field.get("choices", []):
            raise FieldValueError(field, "Choose one of the listed options.")
        return text
    if kind == "date":
        if not text:
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise FieldValueError(field, "Enter a date as YYYY-MM-DD.") from None
        if not DATE_MIN <= day <= DATE_MAX:
            raise FieldValueError(field, "Enter a date between 1900 and 2100.")
        return day.isoformat()
    limit = TEXTAREA_MAX if kind == "textarea" else TEXT_MAX
    if len(text) > limit:
        raise FieldValueError(field, f"Keep it under {limit:,} characters.")
    if kind == "text" and ("\n" in text or "\r" in text):
        text = " ".join(text.split())
    return text


def clean_value(
    field: TemplateField, data: PostedData, prefix: str = ""
) -> ContentValue:
    """Read `field`'s value from posted data and validate it.

    Raises FieldValueError (a ValidationError naming the field's label).
    """
    return clean_raw(field, raw_value(field, data, prefix))


def empty_value(field: TemplateField) -> ContentValue:
    kind = field["type"]
    if kind in ("checklist", "body_region"):
        return []
    if kind == "table":
        return {}
    if kind in ("number", "scale", "date"):
        return None
    return ""


def stored_value(field: TemplateField, value: object) -> ContentValue:
    """A stored value of the field's shape (anything else counts as empty)."""
    kind = field["type"]
    if kind in ("checklist", "body_region"):
        if isinstance(value, list):
            return [str(v) for v in value]
        return []
    if kind == "table":
        if isinstance(value, Mapping):
            return {
                str(r): {str(c): str(v) for c, v in cells.items()}
                for r, cells in value.items()
                if isinstance(cells, Mapping)
            }
        return {}
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return value
    return empty_value(field)


def as_raw(field: TemplateField, value: object) -> RawValue:
    """A stored value in the shape an input partial shows (numbers as text)."""
    stored = stored_value(field, value)
    if stored is None:
        return ""
    if isinstance(stored, int):
        return str(stored)
    return stored


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


# --- Display -----------------------------------------------------------------------


def display_value(field: TemplateField, value: object) -> str:
    """The value as plain text: "4 / 10", "Left knee, Lumbar spine",
    "Flexion: Left 120, Right 110; Extension: Left 5". "" when empty."""
    stored = stored_value(field, value)
    if is_blank(stored):
        return ""
    kind = field["type"]
    if isinstance(stored, list):
        labels = [region_label(v) for v in stored] if kind == "body_region" else stored
        return ", ".join(labels)
    if isinstance(stored, dict):
        return "; ".join(
            f"{row}: " + ", ".join(f"{col} {cell}" for col, cell in cells.items())
            for row, cells in stored.items()
        )
    if kind == "scale":
        return f"{stored} / 10"
    if kind == "date" and isinstance(stored, str):
        try:
            day = datetime.date.fromisoformat(stored)
            return f"{day.day} {day:%b %Y}"
        except ValueError:
            return stored
    return str(stored)


# --- Notes shown by section ------------------------------------------------------


@dataclass(frozen=True)
class FieldValue:
    """One field of a note as shown on the page."""

    name: str
    label: str
    type: str
    value: ContentValue
    field: TemplateField


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    values: list[FieldValue]


def sections_of(
    fields: Sequence[TemplateField], content: Mapping[str, object]
) -> list[Section]:
    """The template's fields grouped by section (in the order of each
    section's first field), each with its value."""
    titles = section_titles(fields)
    grouped: dict[str, list[FieldValue]] = {title: [] for title in titles}
    for field in fields:
        grouped[section_title(field["section"])].append(
            FieldValue(
                name=field["name"],
                label=field["label"],
                type=field["type"],
                value=stored_value(field, content.get(field["name"])),
                field=field,
            )
        )
    return [
        Section(code=f"s{index}", title=title, values=grouped[title])
        for index, title in enumerate(titles, start=1)
    ]


def missing_required(
    fields: Sequence[TemplateField], content: Mapping[str, object]
) -> list[str]:
    """Labels of required fields left empty, in template order."""
    return [
        field["label"]
        for field in fields
        if field.get("required", False) and is_blank(content.get(field["name"]))
    ]
