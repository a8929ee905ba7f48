"""Input contracts of the draft editor, the uninvoiced-visits page and the
day's batch."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django import forms

from practica.billing.models import CatalogItem, Discount, TaxCategory
from practica.billing.selectors_catalogue import (
    list_discounts,
    list_providers,
    list_sellable_items,
)
from practica.billing.selectors_drafts import list_locations
from practica.billing.services.drafts import DESCRIPTION_MAX, MEMO_MAX
from practica.scheduling.models import Provider
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

MAX_VISITS = 500


class UUIDListField(forms.Field):
    """Several ids from ticked boxes (`name=appointments` repeated)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        if len(value) > MAX_VISITS:
            raise forms.ValidationError(f"Choose at most {MAX_VISITS} visits.")
        try:
            return [uuid.UUID(str(v)) for v in value]
        except ValueError:
            raise forms.ValidationError("A chosen visit is not valid.") from None

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError("Tick at least one visit.")


def _limit(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # declared so
    field.queryset = queryset


class DraftCreateForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), help_text="Sets the taxes"
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _limit(self, "location", list_locations(actor=actor))


class DraftEditForm(forms.Form):
    memo = forms.CharField(
        max_length=MEMO_MAX,
        required=False,
        help_text="Printed on the invoice; never clinical detail",
    )
    due_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ItemLineForm(forms.Form):
    item = forms.ModelChoiceField(queryset=CatalogItem.objects.none())
    quantity = forms.DecimalField(
        initial=Decimal("1"), max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Clinic price"
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _limit(self, "item", list_sellable_items(actor=actor))
        _limit(self, "provider", list_providers(actor=actor))


class CustomLineForm(forms.Form):
    description = forms.CharField(max_length=DESCRIPTION_MAX)
    unit_price = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    quantity = forms.DecimalField(
        initial=Decimal("1"), max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )
    tax_category = forms.ChoiceField(choices=TaxCategory.choices)


class LineDiscountForm(forms.Form):
    NAMED = "named"
    AMOUNT = "amount"
    PERCENT = "percent"
    NONE = "none"

    kind = forms.ChoiceField(
        choices=[
            (NAMED, "Named discount"),
            (AMOUNT, "Amount off"),
            (PERCENT, "Percentage off"),
            (NONE, "No discount"),
        ]
    )
    discount = forms.ModelChoiceField(queryset=Discount.objects.none(), required=False)
    value = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    name = forms.CharField(max_length=80, required=False, label="Reason")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _limit(self, "discount", list_discounts(actor=actor, include_inactive=False))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == self.NAMED and cleaned.get("discount") is None:
            self.add_error("discount", "Choose a discount.")
        if kind in (self.AMOUNT, self.PERCENT) and cleaned.get("value") is None:
            self.add_error("value", "Enter the amount or percentage.")
        return cleaned


class VisitsForm(forms.Form):
    appointments = UUIDListField()


class UninvoicedForm(forms.Form):
    ISSUE = "issue"
    DRAFT = "draft"

    appointments = UUIDListField()
    mode = forms.ChoiceField(
        choices=[(ISSUE, "Issue the invoice"), (DRAFT, "Keep it as a draft")],
        initial=ISSUE,
        widget=forms.RadioSelect,
    )


class BatchDayForm(forms.Form):
    date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def day(self, today: dt.date) -> dt.date:
        return self.cleaned_data.get("date") or today


class BatchInvoiceForm(forms.Form):
    appointments = UUIDListField()
    date = forms.DateField(required=False, widget=forms.HiddenInput)
