"""Input contracts of the billing pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from practica.billing.models import Invoice, Payment
from practica.billing.selectors import OPEN
from practica.billing.services.corrections import REASON_MAX as VOID_REASON_MAX
from practica.billing.services.payments import REFERENCE_MAX

STATUS_CHOICES = [
    ("", "All"),
    (OPEN, "Open (unpaid or part paid)"),
    *Invoice.Status.choices,
]


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    q = forms.CharField(
        label="Search",
        max_length=100,
        required=False,
        help_text="Invoice number or patient name",
    )


class PaymentForm(forms.Form):
    method = forms.ChoiceField(choices=Payment.Method.choices)
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    reference = forms.CharField(
        max_length=REFERENCE_MAX,
        required=False,
        help_text="Card authorisation, cheque or e-transfer number",
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label="Reason for voiding", max_length=VOID_REASON_MAX)
