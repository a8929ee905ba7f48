"""Input contracts of the billing pages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from practica.billing.models import Invoice, InvoiceLine, Payment, Refund
from practica.billing.selectors import OPEN
from practica.billing.services.corrections import REASON_MAX
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
    # Card online and gift cards arrive through their own flows.
    method = forms.ChoiceField(
        choices=[(m.value, m.label) for m in Payment.RECORDED_METHODS]
    )
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
    allow_credit = forms.BooleanField(
        label="Keep anything above the balance as account credit",
        required=False,
    )


class RefundForm(forms.Form):
    method = forms.ChoiceField(
        label="Money goes back by",
        choices=[
            (m.value, m.label)
            for m in Refund.Method
            if m not in (Refund.Method.ORIGINAL, Refund.Method.GIFT_CARD)
        ],
    )
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    reason = forms.CharField(label="Reason for the refund", max_length=REASON_MAX)


class CreditNoteForm(forms.Form):
    """Credit everything left, or an amount (before tax) from one line."""

    reason = forms.CharField(label="Reason for the credit", max_length=REASON_MAX)
    line = forms.TypedChoiceField(
        label="Line",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave empty to credit the whole invoice",
    )
    amount = forms.DecimalField(
        label="Amount before tax",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )

    def __init__(self, *args: Any, lines: Sequence[InvoiceLine] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["line"]
        assert isinstance(field, forms.TypedChoiceField)  # declared above
        field.choices = [("", "Whole invoice")] + [
            (line.pk, f"{n}. {line.description}") for n, line in enumerate(lines, 1)
        ]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data is not None and data.get("line") and not data.get("amount"):
            self.add_error("amount", "Give the amount to credit on that line.")
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(label="Reason for voiding", max_length=VOID_REASON_MAX)
