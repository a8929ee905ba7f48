"""Input contracts of the plan pages. Every message names its field (the
templates show them as they are); the services re-check every rule."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from practica.outcomes.measures import MEASURE_CHOICES
from practica.plans.models import Goal, TreatmentPlan
from practica.plans.services import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MAX_PER_PERIOD,
    MAX_VISITS,
    MAX_WEEKS,
    NOTES_MAX,
    REASON_MAX,
    TITLE_MAX,
    GoalFields,
    NoteValue,
    PlanFields,
)

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote
    from practica.plans.selectors import PlanChoices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HIGHER = "higher"
LOWER = "lower"

# Django's own messages, each led by the field's label.
_MESSAGES = {
    "required": "{label}: this field is required.",
    "invalid": "{label}: enter a valid value.",
    "invalid_choice": "{label}: choose a listed option.",
    "invalid_list": "{label}: choose listed options.",
    "max_length": "{label}: at most %(limit_value)d characters.",
    "min_value": "{label}: enter %(limit_value)s or more.",
    "max_value": "{label}: enter %(limit_value)s or less.",
    "max_digits": "{label}: at most %(max)s digits.",
    "max_decimal_places": "{label}: at most %(max)s decimal places.",
    "max_whole_digits": "{label}: enter a smaller number.",
}
_INVALID = {
    forms.DateField: "{label}: enter a date.",
    forms.DecimalField: "{label}: enter a number.",
    forms.IntegerField: "{label}: enter a whole number.",
}


def _name_errors(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        label = str(field.label)
        messages = {key: text.format(label=label) for key, text in _MESSAGES.items()}
        for kind, text in _INVALID.items():
            if isinstance(field, kind):  # DecimalField before its base class
                messages["invalid"] = text.format(label=label)
                break
        field.error_messages.update(messages)


def service_errors(form: forms.BaseForm, errors: Mapping[str, Sequence[str]]) -> None:
    """Put a service's messages on the form's fields (or on the whole form)."""
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class PlanForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    provider = forms.TypedChoiceField(label="Provider", coerce=int)
    start_on = forms.DateField(label="Start date", widget=DATE)
    review_on = forms.DateField(label="Review date", widget=DATE, required=False)
    planned_visits = forms.IntegerField(
        label="Planned visits", min_value=1, max_value=MAX_VISITS
    )
    frequency_count = forms.IntegerField(
        label="Visits per period", min_value=1, max_value=MAX_PER_PERIOD
    )
    frequency_period = forms.ChoiceField(
        label="Period", choices=TreatmentPlan.Period.choices
    )
    duration_weeks = forms.IntegerField(
        label="For (weeks)", min_value=1, max_value=MAX_WEEKS, required=False
    )
    diagnoses = forms.TypedMultipleChoiceField(
        label="Diagnoses",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The patient's active problems this plan treats.",
    )
    notes = forms.CharField(
        label="Notes",
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    status = forms.ChoiceField(
        label="Start as",
        choices=[
            (TreatmentPlan.Status.ACTIVE, "Active"),
            (TreatmentPlan.Status.DRAFT, "Draft"),
        ],
        initial=TreatmentPlan.Status.ACTIVE,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *,
        choices: PlanChoices,
        is_new: bool,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(initial or {}))
        self._providers = {p.pk: p for p in choices.providers}
        self._problems = {str(p.pk): p for p in choices.problems}
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ChoiceField)
        provider_field.choices = [(p.pk, p.display_name) for p in choices.providers]
        diagnoses_field = self.fields["diagnoses"]
        assert isinstance(diagnoses_field, forms.ChoiceField)
        diagnoses_field.choices = [
            (key, f"{p.code} {p.display}") for key, p in self._problems.items()
        ]
        if not is_new:
            del self.fields["status"]
        _name_errors(self)

    def plan_fields(self) -> PlanFields:
        data = self.cleaned_data
        return PlanFields(
            provider=self._providers[data["provider"]],
            title=data["title"],
            start_on=data["start_on"],
            review_on=data["review_on"],
            planned_visits=data["planned_visits"],
            frequency_count=data["frequency_count"],
            frequency_period=data["frequency_period"],
            duration_weeks=data["duration_weeks"],
            diagnoses=[self._problems[key] for key in data["diagnoses"]],
            notes=data["notes"],
        )

    def initial_status(self) -> str:
        status: str = self.cleaned_data["status"]
        return status


def plan_initial(plan: TreatmentPlan, problem_ids: Sequence[object]) -> dict[str, Any]:
    """The edit form's values for `plan`."""
    return {
        "title": plan.title,
        "provider": plan.provider_id,
        "start_on": plan.start_on,
        "review_on": plan.review_on,
        "planned_visits": plan.planned_visits,
        "frequency_count": plan.frequency_count,
        "frequency_period": plan.frequency_period,
        "duration_weeks": plan.duration_weeks,
        "diagnoses": [str(pk) for pk in problem_ids],
        "notes": plan.notes,
    }


class GoalForm(forms.Form):
    description = forms.CharField(
        label="Goal",
        max_length=DESCRIPTION_MAX,
        help_text="For example: walk 30 minutes without pain.",
    )
    kind = forms.ChoiceField(
        label="Target type",
        choices=Goal.Kind.choices,
        initial=Goal.Kind.MEASURE,
        widget=forms.RadioSelect,
    )
    measure_code = forms.ChoiceField(
        label="Measure",
        choices=[("", "Choose a measure"), *MEASURE_CHOICES],
        required=False,
        help_text="Progress follows the patient's scores on this measure.",
    )
    metric_name = forms.CharField(
        label="Metric",
        max_length=120,
        required=False,
        help_text="For example: knee flexion range of motion.",
    )
    unit = forms.CharField(
        label="Unit",
        max_length=30,
        required=False,
        help_text="For example: degrees.",
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[(HIGHER, "Higher is better"), (LOWER, "Lower is better")],
        initial=HIGHER,
        widget=forms.RadioSelect,
        help_text="For a free metric; a measure's own scale decides.",
    )
    baseline = forms.DecimalField(label="Baseline", max_digits=8, decimal_places=2)
    target = forms.DecimalField(label="Target", max_digits=8, decimal_places=2)
    target_on = forms.DateField(label="Target date", widget=DATE)

    def __init__(
        self,
        *,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(initial or {}))
        _name_errors(self)

    def goal_fields(self) -> GoalFields:
        data = self.cleaned_data
        return GoalFields(
            description=data["description"],
            kind=data["kind"],
            measure_code=data["measure_code"],
            metric_name=data["metric_name"],
            unit=data["unit"],
            baseline=data["baseline"],
            target=data["target"],
            higher_is_better=data["direction"] == HIGHER,
            target_on=data["target_on"],
        )


def note_label(note: ClinicalNote) -> str:
    state = "signed" if note.is_signed else "draft"
    return f"{note.created_at:%d %b %Y} · {note.template.name} ({state})"


class ProgressForm(forms.Form):
    value = forms.DecimalField(label="Value", max_digits=8, decimal_places=2)
    recorded_on = forms.DateField(label="Date", widget=DATE)
    note = forms.ChoiceField(label="From note", required=False)
    comment = forms.CharField(label="Comment", max_length=COMMENT_MAX, required=False)

    def __init__(
        self,
        *,
        notes: Sequence[ClinicalNote],
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(initial or {}))
        self._notes = {str(n.pk): n for n in notes}
        note_field = self.fields["note"]
        assert isinstance(note_field, forms.ChoiceField)
        note_field.choices = [
            ("", "None"),
            *((key, note_label(n)) for key, n in self._notes.items()),
        ]
        _name_errors(self)

    def chosen_note(self) -> ClinicalNote | None:
        return self._notes.get(self.cleaned_data["note"])


class NoteProgressForm(forms.Form):
    """One optional value (and comment) per goal, recorded from one note."""

    recorded_on = forms.DateField(label="Date", widget=DATE)

    def __init__(
        self,
        *,
        goals: Sequence[Goal],
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(initial or {}))
        self.all_goals = list(goals)
        self.goals = [g for g in goals if not g.is_measure]
        for goal in self.goals:
            unit = f" ({goal.unit})" if goal.unit else ""
            self.fields[f"{goal.pk}-value"] = forms.DecimalField(
                label=f"{goal.metric_name}{unit}",
                max_digits=8,
                decimal_places=2,
                required=False,
            )
            self.fields[f"{goal.pk}-comment"] = forms.CharField(
                label=f"{goal.metric_name}: comment",
                max_length=COMMENT_MAX,
                required=False,
            )
        _name_errors(self)

    def rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [
            (goal, self[f"{goal.pk}-value"], self[f"{goal.pk}-comment"])
            for goal in self.goals
        ]

    def values(self) -> list[NoteValue]:
        found = []
        for goal in self.goals:
            value: Decimal | None = self.cleaned_data.get(f"{goal.pk}-value")
            if value is not None:
                comment = self.cleaned_data.get(f"{goal.pk}-comment") or ""
                found.append(NoteValue(goal=goal, value=value, comment=comment))
        return found

    def recorded_on_value(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["recorded_on"]
        return value


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=TreatmentPlan.Status.choices)
    reason = forms.CharField(label="Reason", max_length=REASON_MAX, required=False)

    def __init__(self, *, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data=data)
        _name_errors(self)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Goal.Status.choices)

    def __init__(self, *, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data=data)
        _name_errors(self)


class ErrorMarkForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        help_text="For example: recorded for the wrong goal.",
    )

    def __init__(self, *, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data=data)
        _name_errors(self)
