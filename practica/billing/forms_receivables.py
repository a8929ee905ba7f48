"""Input contracts of the receivables pages: aging, statements, the patient
account's payment and credit forms, write-offs, collection steps and tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from practica.billing.models import CollectionStep, Invoice, Payment
from practica.billing.selectors_ar import AGING_SORTS, STATEMENT_MAX_DAYS
from practica.billing.services_receivables import MAX_DAYS, MAX_STEPS, REASON_MAX
from practica.core.money import ZERO
from practica.tenancy.models import Membership

_DATE = forms.DateInput(attrs={"type": "date"})
_MONEY = {"step": "0.01", "min": "0"}


class AgingFilterForm(forms.Form):
    as_of = forms.DateField(label="As of", required=False, widget=_DATE)
    sort = forms.ChoiceField(
        choices=[(key, key) for key in AGING_SORTS],
        required=False,
        widget=forms.HiddenInput,
    )


class StatementPeriodForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=_DATE)
    end = forms.DateField(label="To", required=False, widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError("Give both dates of the period, or neither.")
        if start is not None and end is not None:
            if start > end:
                self.add_error("end", "The period must end on or after its start.")
            elif (end - start).days >= STATEMENT_MAX_DAYS:
                self.add_error("end", "A statement covers at most two years.")
        return data


SPREAD_OLDEST = "oldest"
SPREAD_CHOSEN = "chosen"


def allocation_field_name(invoice: Invoice) -> str:
    return f"alloc_{invoice.pk}"


class AccountPaymentForm(forms.Form):
    """One payment spread over the patient's open invoices; the remainder is
    kept as account credit."""

    method = forms.ChoiceField(
        choices=[(m.value, m.label) for m in Payment.RECORDED_METHODS]
    )
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**_MONEY, "min": "0.01", "data-pay-total": ""}),
    )
    reference = forms.CharField(max_length=80, required=False)
    spread = forms.ChoiceField(
        label="Apply to",
        choices=[
            (SPREAD_OLDEST, "Oldest open invoices first"),
            (SPREAD_CHOSEN, "The amounts entered for each invoice"),
        ],
        initial=SPREAD_OLDEST,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, invoices: Sequence[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[allocation_field_name(invoice)] = forms.DecimalField(
                label=f"Invoice #{invoice.number}",
                max_digits=12,
                decimal_places=2,
                min_value=ZERO,
                required=False,
                widget=forms.NumberInput(
                    attrs={**_MONEY, "data-pay-allocation": str(invoice.balance)}  # type: ignore[attr-defined]  # annotated balance
                ),
            )

    def allocation_fields(self) -> list[tuple[Invoice, forms.BoundField]]:
        return [(i, self[allocation_field_name(i)]) for i in self.invoices]

    def allocations(self) -> list[tuple[Invoice, Decimal]] | None:
        """None: oldest first (the service decides); else the chosen amounts."""
        if self.cleaned_data["spread"] == SPREAD_OLDEST:
            return None
        chosen = []
        for invoice in self.invoices:
            value = self.cleaned_data.get(allocation_field_name(invoice))
            if value:
                chosen.append((invoice, value))
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("amount")
        if amount is None or data.get("spread") != SPREAD_CHOSEN:
            return data
        total = sum(
            (data.get(allocation_field_name(i)) or ZERO for i in self.invoices), ZERO
        )
        if total > amount:
            raise forms.ValidationError(
                "The amounts for the invoices add up to more than the payment."
            )
        return data


class ApplyCreditForm(forms.Form):
    invoice = forms.ChoiceField(label="Invoice")
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**_MONEY, "min": "0.01"}),
    )

    def __init__(self, *args: Any, invoices: Sequence[Invoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {str(i.pk): i for i in invoices}
        self.fields["invoice"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (key, f"#{i.number}") for key, i in self.by_id.items()
        ]

    def chosen_invoice(self) -> Invoice:
        return self.by_id[self.cleaned_data["invoice"]]


class WriteOffRequestForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**_MONEY, "min": "0.01"}),
    )
    reason = forms.CharField(label="Reason", max_length=REASON_MAX)


class WriteOffDecisionForm(forms.Form):
    note = forms.CharField(label="Note", max_length=REASON_MAX, required=False)


class CollectionStepsForm(forms.Form):
    """Up to MAX_STEPS rows of (days overdue, action); blank rows are dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_STEPS + 1):
            self.fields[f"days_{n}"] = forms.IntegerField(
                label=f"Step {n}: days overdue",
                min_value=1,
                max_value=MAX_DAYS,
                required=False,
            )
            self.fields[f"action_{n}"] = forms.ChoiceField(
                label=f"Step {n}: action",
                choices=[("", "(no step)"), *CollectionStep.Action.choices],
                required=False,
            )

    @classmethod
    def initial_for(cls, steps: Sequence[CollectionStep]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for n, step in enumerate(steps, start=1):
            initial[f"days_{n}"] = step.days_overdue
            initial[f"action_{n}"] = step.action
        return initial

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"days_{n}"], self[f"action_{n}"]) for n in range(1, MAX_STEPS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, MAX_STEPS + 1):
            days, action = data.get(f"days_{n}"), data.get(f"action_{n}")
            if (days is None) != (not action):
                self.add_error(f"days_{n}", "Give both the days and the action.")
        return data

    def specs(self) -> list[tuple[int, str]]:
        return [
            (self.cleaned_data[f"days_{n}"], self.cleaned_data[f"action_{n}"])
            for n in range(1, MAX_STEPS + 1)
            if self.cleaned_data.get(f"days_{n}") is not None
        ]


class TaskAssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assign to", required=False)

    def __init__(
        self, *args: Any, members: Sequence[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {str(m.pk): m for m in members}
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", "Nobody"),
            *((key, m.user.full_name) for key, m in self.by_id.items()),
        ]

    def chosen(self) -> Membership | None:
        return self.by_id.get(self.cleaned_data["assignee"] or "")


class TaskDoneForm(forms.Form):
    is_done = forms.BooleanField(required=False)
