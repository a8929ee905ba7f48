"""Input contracts of the online card payment pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from practica.billing.services.online import CONSENT_MAX, REASON_MAX

DEFAULT_CONSENT = (
    "The patient agrees that the clinic keeps this card on file and charges it "
    "for their visits and fees, and may withdraw this consent at any time."
)


def _amount_field() -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )


class CheckoutForm(forms.Form):
    save_card = forms.BooleanField(
        label="Also keep the card on file for later", required=False
    )
    consent = forms.CharField(
        label="Patient's consent to keep the card",
        max_length=CONSENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name and the time; needed to keep the card.",
    )
    consent_given = forms.BooleanField(
        label="The patient gave this consent", required=False
    )

    def consent_text(self) -> str:
        """The consent to record: only when the patient gave it."""
        if not self.cleaned_data.get("consent_given"):
            return ""
        return str(self.cleaned_data.get("consent") or "")


class SaveCardForm(forms.Form):
    consent = forms.CharField(
        label="Patient's consent to keep the card",
        max_length=CONSENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given = forms.BooleanField(label="The patient gave this consent")


class ChargeCardForm(forms.Form):
    card = forms.UUIDField(widget=forms.HiddenInput)
    amount = _amount_field()


class RefundToCardForm(forms.Form):
    amount = _amount_field()
    reason = forms.CharField(max_length=REASON_MAX)
