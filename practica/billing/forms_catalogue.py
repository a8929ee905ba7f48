"""Input contracts of the catalogue pages: an item, a fee schedule row, a
discount. Choices (visit types, providers) come from the actor's clinic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from practica.billing.models import CatalogItem, TaxCategory
from practica.billing.selectors_catalogue import (
    list_appointment_types,
    list_providers,
)
from practica.scheduling.models import AppointmentType, Provider
from practica.tenancy.actor import Actor

MONEY_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0"})


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=CatalogItem.Kind.choices)
    code = forms.CharField(max_length=20, help_text="The clinic's own item code")
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    default_price = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, widget=MONEY_WIDGET
    )
    tax_category = forms.ChoiceField(choices=TaxCategory.choices)
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(),
        required=False,
        label="Visit type billed",
        help_text="Services only: invoicing a visit of this type uses this item",
    )

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["appointment_type"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        field.queryset = list_appointment_types(actor=actor)
        if editing:
            # An item's kind never changes (its lines were sold as that kind).
            del self.fields["kind"]


class PriceForm(forms.Form):
    amount = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, widget=MONEY_WIDGET
    )
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Every provider (clinic fee)",
        help_text="A provider's own fee comes before the clinic's",
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)  # declared above
        field.queryset = list_providers(actor=actor)


class DiscountForm(forms.Form):
    PERCENT = "percent"
    AMOUNT = "amount"

    name = forms.CharField(max_length=80)
    kind = forms.ChoiceField(
        choices=[(PERCENT, "Percentage off"), (AMOUNT, "Amount off")],
        label="Type",
    )
    value = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        help_text="A percentage (up to 100) or an amount",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        value = cleaned.get("value")
        if cleaned.get("kind") == self.PERCENT and value is not None and value > 100:
            self.add_error("value", "A percentage is at most 100.")
        return cleaned
