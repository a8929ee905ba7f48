"""Input contracts of the co-signature, supervision and charting-policy views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet

from practica.charting.models import Supervision
from practica.charting.services_cosign import COMMENT_MAX, MAX_UNSIGNED_NOTE_DAYS
from practica.scheduling.models import Provider


class CosignForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Keep it under {COMMENT_MAX:,} characters."},
    )


class ChartingPolicyForm(forms.Form):
    unsigned_note_days = forms.IntegerField(
        label="Flag unsigned notes after (days)",
        min_value=0,
        max_value=MAX_UNSIGNED_NOTE_DAYS,
        help_text=(
            "A draft note whose visit is older than this is flagged to its "
            "provider and on the chart. 0 turns the flag off."
        ),
        error_messages={
            "required": "Enter a number of days (0 turns the flag off).",
            "invalid": "Enter a whole number of days.",
            "min_value": "Enter 0 or more days.",
            "max_value": f"Enter at most {MAX_UNSIGNED_NOTE_DAYS} days.",
        },
    )


class SupervisionForm(forms.Form):
    """Choices are the clinic's active providers (from
    `selectors_notes.list_active_providers`)."""

    def __init__(
        self,
        *,
        providers: QuerySet[Provider],
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data)
        provider_errors = {
            "required": "Choose a provider.",
            "invalid_choice": "Choose one of this clinic's active providers.",
        }
        self.fields["supervisee"] = forms.ModelChoiceField(
            queryset=providers,
            label="Supervised provider",
            error_messages=provider_errors,
        )
        self.fields["supervisor"] = forms.ModelChoiceField(
            queryset=providers,
            label="Supervisor (co-signs their notes)",
            error_messages=provider_errors,
        )
        self.fields["kind"] = forms.ChoiceField(
            choices=Supervision.Kind.choices,
            label="Kind",
            error_messages={
                "required": "Choose a kind.",
                "invalid_choice": "Choose one of the listed kinds.",
            },
        )
