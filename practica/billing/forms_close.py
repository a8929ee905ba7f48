"""Input contracts of the daily close and revenue pages.

Amounts are read as text so the service can name what is wrong with them
(negative, too many decimals) in the same words wherever they come from.
"""

from __future__ import annotations

from django import forms

from practica.billing.models import Payment
from practica.billing.services.close import NOTE_MAX, REFERENCE_MAX


class DayForm(forms.Form):
    """Which day and location the close report shows (both optional)."""

    date = forms.DateField(label="Day", required=False)
    location = forms.IntegerField(min_value=1, required=False)


class DepositForm(forms.Form):
    location = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    business_on = forms.DateField(widget=forms.HiddenInput)
    method = forms.ChoiceField(choices=Payment.Method.choices)
    amount = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Such as 120.00",
    )
    reference = forms.CharField(
        max_length=REFERENCE_MAX,
        required=False,
        help_text="Deposit slip or settlement number",
    )


class CloseForm(forms.Form):
    location = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    business_on = forms.DateField(widget=forms.HiddenInput)
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        help_text="Explain any difference",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
