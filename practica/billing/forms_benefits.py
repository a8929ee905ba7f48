"""Input contracts of the package, membership and gift card pages.

Choices are scoped to the actor's clinic, so an id from another clinic is
"not one of the available choices", never a fetch."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms

from practica.billing.models import CatalogItem, PatientMembership
from practica.billing.selectors_benefits import (
    list_gift_card_items,
    list_items_without_plan,
    list_sellable_items,
)
from practica.billing.services.benefits import (
    MAX_VALIDITY_DAYS,
    MAX_VISITS,
    REASON_MAX,
)
from practica.scheduling.models import AppointmentType
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location

_MONEY_ATTRS = {"step": "0.01", "min": "0"}


def _types(actor: Actor) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="Covered visit types",
        queryset=AppointmentType.objects.filter(clinic=actor.clinic, is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


class PackagePlanForm(forms.Form):
    visits = forms.IntegerField(min_value=1, max_value=MAX_VISITS)
    validity_days = forms.IntegerField(
        label="Valid for (days from purchase)", min_value=1, max_value=MAX_VALIDITY_DAYS
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"] = forms.ModelChoiceField(
            label="Package item",
            queryset=list_items_without_plan(
                actor=actor, kind=CatalogItem.Kind.PACKAGE
            ),
        )
        self.fields["appointment_types"] = _types(actor)
        self.order_fields(["item", "visits", "validity_days", "appointment_types"])


class MembershipPlanForm(forms.Form):
    monthly_fee = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs=_MONEY_ATTRS),
    )
    discount_percent = forms.DecimalField(
        label="Discount on covered visits (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("0"),
    )
    visits_per_month = forms.IntegerField(
        label="Included visits per month", min_value=0, max_value=MAX_VISITS, initial=0
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"] = forms.ModelChoiceField(
            label="Membership item",
            queryset=list_items_without_plan(
                actor=actor, kind=CatalogItem.Kind.MEMBERSHIP
            ),
        )
        self.fields["appointment_types"] = _types(actor)
        self.order_fields(
            [
                "item",
                "monthly_fee",
                "discount_percent",
                "visits_per_month",
                "appointment_types",
            ]
        )


def _locations(actor: Actor) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Location.objects.filter(clinic=actor.clinic), empty_label=None
    )


class SellForm(forms.Form):
    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"] = forms.ModelChoiceField(
            label="Package or membership", queryset=list_sellable_items(actor=actor)
        )
        self.fields["location"] = _locations(actor)


class GiftCardSaleForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs=_MONEY_ATTRS),
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"] = forms.ModelChoiceField(
            label="Gift card item",
            queryset=list_gift_card_items(actor=actor),
            empty_label=None,
        )
        self.fields["location"] = _locations(actor)
        self.order_fields(["item", "amount", "expires_on", "location"])


class CancelMembershipForm(forms.Form):
    ends_on = forms.DateField(
        label="Last day + 1 (no benefit from this day)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(max_length=REASON_MAX)

    def __init__(self, *args: Any, actor: Actor, patient_id: uuid.UUID, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["membership"] = forms.ModelChoiceField(
            queryset=PatientMembership.objects.filter(
                clinic=actor.clinic,
                patient_id=patient_id,
                status=PatientMembership.Status.ACTIVE,
            ).select_related("plan__item"),
            empty_label=None,
        )
        self.order_fields(["membership", "ends_on", "reason"])


class RedeemForm(forms.Form):
    code = forms.CharField(
        label="Gift card code",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amount = forms.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs=_MONEY_ATTRS),
    )
