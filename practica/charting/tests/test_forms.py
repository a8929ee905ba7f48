from __future__ import annotations

import pytest

from practica.charting.forms import AddendumForm, NoteContentForm
from practica.charting.note_fields import TemplateField
from practica.charting.shipped_templates import MASSAGE, PHYSIOTHERAPY

FIELDS: list[TemplateField] = [
    {"name": "summary", "label": "Summary", "section": "S", "type": "text"},
    {"name": "details", "label": "Details", "section": "S", "type": "textarea"},
    {"name": "girth", "label": "Girth (cm)", "section": "O", "type": "number"},
    {
        "name": "pressure",
        "label": "Pressure preference",
        "section": "S",
        "type": "choice",
        "choices": ["Light", "Firm"],
    },
    {"name": "pain", "label": "Pain", "section": "S", "type": "scale"},
]


def test_form_has_one_field_per_template_field_in_order() -> None:
    # when
    form = NoteContentForm(fields=PHYSIOTHERAPY.fields)
    # then
    assert list(form.fields) == [f["name"] for f in PHYSIOTHERAPY.fields]
    assert form.fields["chief_complaint"].required is False
    assert form.fields["chief_complaint"].help_text == "Required to sign."


def test_form_cleans_values_to_json_safe_content() -> None:
    # given
    data = {
        "summary": " Sore back ",
        "details": "Line 1\nLine 2",
        "girth": "38.50",
        "pressure": "Firm",
        "pain": "0",
    }
    # when
    form = NoteContentForm(fields=FIELDS, data=data)
    # then
    assert form.is_valid()
    assert form.content() == {
        "summary": "Sore back",
        "details": "Line 1\nLine 2",
        "girth": "38.5",
        "pressure": "Firm",
        "pain": 0,
    }


def test_form_empty_values_are_blank() -> None:
    # when
    form = NoteContentForm(fields=FIELDS, data={})
    # then
    assert form.is_valid()
    assert form.content() == {
        "summary": "",
        "details": "",
        "girth": None,
        "pressure": "",
        "pain": None,
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"girth": "abc"}, ["Girth (cm): Enter a number."]),
        (
            {"pressure": "Deep"},
            ["Pressure preference: Choose one of the listed options."],
        ),
        ({"pain": "11"}, ["Pain: Enter a whole number from 0 to 10."]),
        ({"pain": "-1"}, ["Pain: Enter a whole number from 0 to 10."]),
        ({"pain": "4.5"}, ["Pain: Enter a whole number from 0 to 10."]),
        ({"summary": "x" * 501}, ["Summary: Keep it under 500 characters."]),
    ],
)
def test_form_rejects_invalid_values_naming_the_label(
    data: dict[str, str], expected: list[str]
) -> None:
    # when
    form = NoteContentForm(fields=FIELDS, data=data)
    # then
    assert form.is_valid() is False
    assert form.first_errors() == expected


def test_form_initial_comes_from_content() -> None:
    # when
    form = NoteContentForm(fields=MASSAGE.fields, content={"pressure": "Deep"})
    # then
    assert form["pressure"].value() == "Deep"
    assert [c[0] for c in form.fields["pressure"].choices] == [  # type: ignore[attr-defined]
        "",
        "Light",
        "Moderate",
        "Firm",
        "Deep",
    ]


def test_addendum_form_requires_text() -> None:
    # when
    form = AddendumForm(data={"text": "   "})
    # then
    assert form.is_valid() is False
    assert form.errors["text"] == ["Write the addendum text."]
