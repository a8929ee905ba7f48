"""Input contract of the clinic's cancellation policy page."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from practica.scheduling.services.policy import MAX_FEE, MAX_WINDOW_HOURS

_FEE_ERRORS = {
    "required": "Enter the fee (0 for none).",
    "invalid": "Enter an amount such as 40.00.",
    "min_value": "The fee must be 0 or more.",
    "max_value": f"The fee can be at most {MAX_FEE}.",
    "max_decimal_places": "The fee can have at most 2 decimal places.",
    "max_digits": f"The fee can be at most {MAX_FEE}.",
    "max_whole_digits": f"The fee can be at most {MAX_FEE}.",
}


def _fee_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=MAX_FEE,
        max_digits=10,
        decimal_places=2,
        error_messages=_FEE_ERRORS,
    )


class PolicyForm(forms.Form):
    cancellation_window_hours = forms.IntegerField(
        label="Cancellation window (hours)",
        help_text=(
            "Cancelling less than this long before the visit is a late "
            "cancellation. 0 = no window."
        ),
        min_value=0,
        max_value=MAX_WINDOW_HOURS,
        error_messages={
            "required": "Enter the window in hours (0 for none).",
            "invalid": "Enter a whole number of hours.",
            "min_value": "The window cannot be negative.",
            "max_value": f"The window can be at most {MAX_WINDOW_HOURS} hours.",
        },
    )
    late_cancel_fee = _fee_field(
        "Late-cancellation fee ($)", "Charged when a visit is cancelled late."
    )
    no_show_fee = _fee_field(
        "No-show fee ($)", "Charged when the patient does not come."
    )
