"""Input contracts of the outcome pages: one radio group per measure item."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from practica.outcomes.measures import Measure

REASON_MAX = 500


@dataclass(frozen=True)
class ItemField:
    number: int
    label: str
    field: forms.BoundField


class ResponseForm(forms.Form):
    """Radio buttons for each item of `measure`, the date taken, and an
    optional treatment note to link (by id, checked by the view)."""

    taken_on = forms.DateField(
        label="Date taken", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *, measure: Measure, data: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(data=data, initial={"taken_on": timezone.localdate()})
        self.measure = measure
        optional = measure.max_skipped > 0
        for item in measure.items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.label,
                choices=[(o.value, o.label) for o in measure.options],
                coerce=int,
                required=not optional,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"{item.label}: choose an answer.",
                    "invalid_choice": f"{item.label}: choose a listed answer.",
                },
            )
        self.fields["taken_on"].error_messages.update(
            {
                "invalid": "Date taken: enter a date.",
                "required": "Date taken: enter a date.",
            }
        )

    def item_fields(self) -> list[ItemField]:
        return [
            ItemField(number=n, label=item.label, field=self[item.key])
            for n, item in enumerate(self.measure.items, 1)
        ]

    def answers(self) -> dict[str, int | None]:
        return {
            item.key: self.cleaned_data.get(item.key) for item in self.measure.items
        }

    def taken_on_value(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["taken_on"]
        return value


class ErrorMarkForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        widget=forms.TextInput,
        help_text="For example: recorded for the wrong patient.",
        error_messages={
            "required": "Reason: say why this response is in error.",
            "max_length": f"Reason: at most {REASON_MAX} characters.",
        },
    )
