from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.loader import render_to_string

from practica.charting.forms import NoteContentForm
from practica.charting.note_fields import (
    BODY_REGION_LABELS,
    BODY_REGIONS,
    FIELD_TYPES,
    ContentValue,
    FieldValueError,
    TemplateField,
    as_raw,
    clean_value,
    display_value,
    missing_required,
    sections_of,
    validate_template_fields,
)
from practica.charting.shipped_templates import SHIPPED_TEMPLATES

CHECKLIST: TemplateField = {
    "name": "techniques",
    "label": "Techniques",
    "section": "Treatment",
    "type": "checklist",
    "choices": ["Swedish", "Deep tissue", "Trigger point"],
}
REGIONS: TemplateField = {
    "name": "areas",
    "label": "Areas treated",
    "section": "Treatment",
    "type": "body_region",
}
DATE: TemplateField = {
    "name": "onset",
    "label": "Onset date",
    "section": "S",
    "type": "date",
}
ROM: TemplateField = {
    "name": "rom",
    "label": "Range of motion",
    "section": "O",
    "type": "table",
    "rows": ["Flexion", "Extension"],
    "columns": ["Left", "Right", "Normal"],
    "cell": "number",
}
NOTES_TABLE: TemplateField = {
    "name": "pulses",
    "label": "Pulses",
    "section": "O",
    "type": "table",
    "rows": ["Dorsalis pedis", "Posterior tibial"],
    "columns": ["Left", "Right"],
}
SCALE: TemplateField = {
    "name": "pain",
    "label": "Pain",
    "section": "S",
    "type": "scale",
}
NUMBER: TemplateField = {
    "name": "girth",
    "label": "Girth (cm)",
    "section": "O",
    "type": "number",
}
CHOICE: TemplateField = {
    "name": "risk",
    "label": "Risk level",
    "section": "Risk assessment",
    "type": "choice",
    "choices": ["Low", "Moderate", "High"],
}
TEXT: TemplateField = {
    "name": "summary",
    "label": "Summary",
    "section": "S",
    "type": "text",
}


def _post(query: str) -> QueryDict:
    return QueryDict(query)


# validate_template_fields


def test_every_shipped_template_is_valid() -> None:
    # then
    for shipped in SHIPPED_TEMPLATES:
        assert validate_template_fields(shipped.fields) == [], shipped.key


def test_a_template_using_every_type_is_valid() -> None:
    # given
    fields = [CHECKLIST, REGIONS, DATE, ROM, NOTES_TABLE, SCALE, NUMBER, CHOICE, TEXT]
    # then
    assert {f["type"] for f in fields} == set(FIELD_TYPES) - {"textarea"}
    assert validate_template_fields(fields) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([], ["Add at least one field."]),
        ("not a list", ["Add at least one field."]),
        (
            [TEXT, {**SCALE, "name": "summary"}],
            ["Field 2 (Pain): the name “summary” is used by another field."],
        ),
        (
            [{**CHOICE, "choices": []}],
            ["Field 1 (Risk level): add at least one choice."],
        ),
        (
            [{**CHECKLIST, "choices": ["Swedish", "swedish"]}],
            ["Field 1 (Techniques): the choice “swedish” is listed twice."],
        ),
        (
            [{**ROM, "rows": []}],
            ["Field 1 (Range of motion): add at least one row."],
        ),
        (
            [{**ROM, "columns": ["Left", " "]}],
            ["Field 1 (Range of motion): a column is empty."],
        ),
        (
            [{**ROM, "cell": "date"}],
            ["Field 1 (Range of motion): table cells are text or number."],
        ),
        ([{**TEXT, "label": " "}], ["Field 1: write a label."]),
        ([{**TEXT, "section": ""}], ["Field 1 (Summary): choose a section."]),
        ([{**TEXT, "type": "colour"}], ["Field 1 (Summary): choose a field type."]),
        (
            [{**TEXT, "name": "Bad name"}],
            [
                "Field 1 (Summary): the name “Bad name” must start with a letter "
                "and use only lower-case letters, digits and _ (at most 40)."
            ],
        ),
    ],
)
def test_validate_template_fields_names_the_field(
    fields: object, expected: list[str]
) -> None:
    # then
    assert validate_template_fields(fields) == expected


# clean_value: each type


@pytest.mark.parametrize(
    ("field", "query", "expected"),
    [
        (TEXT, "summary=+Sore+back+", "Sore back"),
        (TEXT, "", ""),
        (NUMBER, "girth=38.50", "38.5"),
        (NUMBER, "girth=", None),
        (SCALE, "pain=0", 0),
        (SCALE, "pain=10", 10),
        (SCALE, "pain=", None),
        (CHOICE, "risk=Moderate", "Moderate"),
        (CHOICE, "risk=", ""),
        (DATE, "onset=2026-02-28", "2026-02-28"),
        (DATE, "onset=", None),
        (
            CHECKLIST,
            "techniques=&techniques=Trigger+point&techniques=Swedish",
            ["Swedish", "Trigger point"],
        ),
        (CHECKLIST, "techniques=", []),
        (
            REGIONS,
            "areas=&areas=left_knee&areas=lumbar_spine&areas=left_knee",
            ["lumbar_spine", "left_knee"],
        ),
        (
            ROM,
            "rom=&rom__0__0=120&rom__0__2=135.0&rom__1__1=&rom__1__0=-5",
            {"Flexion": {"Left": "120", "Normal": "135"}, "Extension": {"Left": "-5"}},
        ),
        (
            NOTES_TABLE,
            "pulses=&pulses__1__1=+Faint+",
            {"Posterior tibial": {"Right": "Faint"}},
        ),
        (ROM, "rom=", {}),
    ],
)
def test_clean_value_returns_the_stored_shape(
    field: TemplateField, query: str, expected: ContentValue
) -> None:
    # then
    assert clean_value(field, _post(query)) == expected


@pytest.mark.parametrize(
    ("field", "query", "message"),
    [
        (NUMBER, "girth=abc", "Girth (cm): Enter a number."),
        (NUMBER, "girth=1.2345", "Girth (cm): Use at most 3 decimals."),
        (NUMBER, "girth=1000000000", "Girth (cm): Enter a smaller number."),
        (NUMBER, "girth=NaN", "Girth (cm): Enter a number."),
        (SCALE, "pain=11", "Pain: Enter a whole number from 0 to 10."),
        (SCALE, "pain=-1", "Pain: Enter a whole number from 0 to 10."),
        (SCALE, "pain=4.5", "Pain: Enter a whole number from 0 to 10."),
        (CHOICE, "risk=Extreme", "Risk level: Choose one of the listed options."),
        (DATE, "onset=28/02/2026", "Onset date: Enter a date as YYYY-MM-DD."),
        (DATE, "onset=1850-01-01", "Onset date: Enter a date between 1900 and 2100."),
        (
            CHECKLIST,
            "techniques=Swedish&techniques=Reiki",
            "Techniques: Choose only the listed options.",
        ),
        (
            REGIONS,
            "areas=left_wing",
            "Areas treated: Choose only the listed body regions.",
        ),
        (
            ROM,
            "rom__1__2=lots",
            "Range of motion: Extension, Normal: enter a number.",
        ),
        (
            NOTES_TABLE,
            "pulses__0__0=" + "x" * 201,
            "Pulses: Dorsalis pedis, Left: keep each cell under 200 characters.",
        ),
        (TEXT, "summary=" + "x" * 501, "Summary: Keep it under 500 characters."),
    ],
)
def test_clean_value_refuses_bad_input_naming_the_field(
    field: TemplateField, query: str, message: str
) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        clean_value(field, _post(query))
    # then
    assert isinstance(caught.value, FieldValueError)
    assert caught.value.messages == [message]
    assert caught.value.field_name == field["name"]


def test_clean_value_reads_a_prefixed_name() -> None:
    # then
    assert clean_value(CHECKLIST, _post("q-techniques=Swedish"), "q-") == ["Swedish"]


@pytest.mark.parametrize(
    ("field", "stored"),
    [
        (CHECKLIST, ["Deep tissue"]),
        (REGIONS, ["right_foot_plantar", "left_great_toe"]),
        (DATE, "2026-01-31"),
        (ROM, {"Flexion": {"Right": "110.5"}}),
        (SCALE, 7),
        (NUMBER, "12.25"),
    ],
)
def test_stored_values_validate_again_unchanged(
    field: TemplateField, stored: ContentValue
) -> None:
    # a draft's stored content is validated again by the service
    # then
    assert clean_value(field, {field["name"]: stored}) == stored
    assert clean_value(field, {field["name"]: as_raw(field, stored)}) == stored


# display


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (SCALE, 4, "4 / 10"),
        (SCALE, None, ""),
        (DATE, "2026-03-05", "5 Mar 2026"),
        (CHECKLIST, ["Swedish", "Trigger point"], "Swedish, Trigger point"),
        (REGIONS, ["lumbar_spine", "right_foot_plantar"], ""),
        (
            ROM,
            {"Flexion": {"Left": "120", "Right": "110"}, "Extension": {"Left": "5"}},
            "Flexion: Left 120, Right 110; Extension: Left 5",
        ),
        (ROM, {}, ""),
        (TEXT, "Sore", "Sore"),
    ],
)
def test_display_value_is_plain_text(
    field: TemplateField, value: object, expected: str
) -> None:
    # given
    if field is REGIONS and value:
        expected = "Lumbar spine, Right foot - plantar"
    # then
    assert display_value(field, value) == expected


def test_body_regions_have_sides_and_unique_codes() -> None:
    # then
    codes = [r.code for r in BODY_REGIONS]
    assert len(codes) == len(set(codes))
    assert BODY_REGION_LABELS["lumbar_spine"] == "Lumbar spine"
    assert BODY_REGION_LABELS["left_knee"] == "Left knee"
    assert BODY_REGION_LABELS["right_foot_plantar"] == "Right foot - plantar"


# sections


def test_sections_follow_first_field_order_and_map_soap_codes() -> None:
    # given
    fields: list[TemplateField] = [
        {**TEXT, "section": "Data"},
        {**SCALE, "section": "S"},
        CHOICE,
        {**NUMBER, "section": "Data"},
    ]
    # when
    sections = sections_of(fields, {"summary": "Calm", "pain": 3})
    # then
    assert [(s.code, s.title) for s in sections] == [
        ("s1", "Data"),
        ("s2", "Subjective"),
        ("s3", "Risk assessment"),
    ]
    assert [(v.name, v.value) for v in sections[0].values] == [
        ("summary", "Calm"),
        ("girth", None),
    ]


def test_missing_required_counts_empty_lists_and_tables() -> None:
    # given
    fields: list[TemplateField] = [
        {**CHECKLIST, "required": True},
        {**ROM, "required": True},
        {**REGIONS, "required": True},
    ]
    content = {"techniques": [], "rom": {}, "areas": ["head"]}
    # then
    assert missing_required(fields, content) == ["Techniques", "Range of motion"]


# NoteContentForm and the partials


def test_note_form_cleans_every_type_from_a_post() -> None:
    # given
    fields = [CHECKLIST, REGIONS, DATE, ROM]
    data = _post(
        "techniques=&techniques=Swedish&areas=&areas=right_calf&onset=2026-01-02"
        "&rom=&rom__0__1=100"
    )
    # when
    form = NoteContentForm(fields=fields, data=data)
    # then
    assert form.is_valid()
    assert form.content() == {
        "techniques": ["Swedish"],
        "areas": ["right_calf"],
        "onset": "2026-01-02",
        "rom": {"Flexion": {"Right": "100"}},
    }


def test_note_form_error_names_the_field_and_keeps_the_posted_value() -> None:
    # given
    data = _post("rom=&rom__0__0=abc&rom__1__1=7")
    # when
    form = NoteContentForm(fields=[ROM], data=data)
    # then
    assert form.is_valid() is False
    assert form.first_errors() == ["Range of motion: Flexion, Left: enter a number."]
    item = form.sections()[0].items[0]
    assert item.value == {"Flexion": {"Left": "abc"}, "Extension": {"Right": "7"}}
    assert item.errors == ["Flexion, Left: enter a number."]


def test_input_partial_renders_each_type_with_its_values() -> None:
    # when
    html = "".join(
        render_to_string(
            "charting/fields/_input.html",
            {"field": field, "value": value, "name": field["name"], "errors": []},
        )
        for field, value in [
            (CHECKLIST, ["Deep tissue"]),
            (REGIONS, ["left_knee"]),
            (DATE, "2026-01-02"),
            (ROM, {"Extension": {"Normal": "30"}}),
            (SCALE, 6),
        ]
    )
    # then
    assert (
        '<input type="checkbox" id="id_techniques_1" name="techniques" '
        'value="Deep tissue" checked>'
    ) in html
    assert 'value="left_knee" aria-label="Left knee" checked>' in html
    assert 'value="right_knee" aria-label="Right knee">' in html
    assert 'type="date"' in html
    assert 'value="2026-01-02"' in html
    assert 'name="rom__1__2" value="30" aria-label="Extension, Normal"' in html
    assert '<option value="6" selected>6</option>' in html
    assert html.count('<input type="hidden" name="techniques" value="">') == 1


def test_input_partial_shows_errors_after_the_label_and_escapes_text() -> None:
    # when
    html = render_to_string(
        "charting/fields/_input.html",
        {
            "field": TEXT,
            "value": "<b>x</b>",
            "name": "summary",
            "errors": ["Keep it short."],
        },
    )
    # then
    assert '<p class="error" id="id_summary_error">Summary: Keep it short.</p>' in html
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html
    assert 'aria-invalid="true"' in html


def test_value_partial_shows_tables_lists_and_blanks() -> None:
    # when
    table = render_to_string(
        "charting/fields/_value.html",
        {"field": ROM, "value": {"Flexion": {"Left": "120"}}},
    )
    regions = render_to_string(
        "charting/fields/_value.html",
        {"field": REGIONS, "value": ["right_foot_plantar"]},
    )
    blank = render_to_string(
        "charting/fields/_value.html", {"field": CHECKLIST, "value": []}
    )
    # then
    assert '<th scope="row">Flexion</th><td>120</td><td>—</td><td>—</td>' in table
    assert "Extension" not in table
    assert "<li>Right foot - plantar</li>" in regions
    assert '<span class="muted">—</span>' in blank
