"""Record goal progress (from a note or not) and mark a value entered in
error."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.plans.models import Goal, GoalProgress
from practica.plans.services.rules import (
    COMMENT_MAX,
    REASON_MAX,
    VALUE_LIMIT,
    Errors,
    add_error,
    raise_errors,
    require_edit,
)

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote
    from practica.tenancy.actor import Actor

GoalStatus = Goal.Status


def _progress_errors(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None,
    comment: str,
) -> Errors:
    errors: Errors = {}
    plan = goal.plan
    if goal.is_measure:
        add_error(
            errors,
            "__all__",
            "Goal: its progress is the patient's outcome-measure scores; "
            "record the measure instead.",
        )
    if goal.status == GoalStatus.DISCONTINUED:
        add_error(errors, "__all__", "Goal: it is discontinued.")
    if plan.is_closed:
        add_error(
            errors,
            "__all__",
            f"Plan: it is {plan.get_status_display().lower()}; progress is closed.",
        )
    if abs(value) > VALUE_LIMIT:
        add_error(errors, "value", "Value: enter a smaller number.")
    if recorded_on > timezone.localdate():
        add_error(errors, "recorded_on", "Date: cannot be in the future.")
    elif recorded_on < plan.start_on:
        add_error(
            errors, "recorded_on", "Date: cannot be before the plan's start date."
        )
    if len(comment) > COMMENT_MAX:
        add_error(errors, "comment", f"Comment: at most {COMMENT_MAX} characters.")
    if note is not None and (
        note.clinic_id != actor.clinic.pk or note.patient_id != plan.patient_id
    ):
        add_error(errors, "note", "Note: choose a note of this patient.")
    return errors


def _save_progress(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None,
    comment: str,
) -> GoalProgress:
    progress = GoalProgress.objects.create(
        clinic=actor.clinic,
        goal=goal,
        value=value,
        recorded_on=recorded_on,
        note=note,
        comment=comment,
        recorded_by=actor.membership,
    )
    record_change(
        actor=actor,
        action="create",
        obj=progress,
        patient_id=goal.plan.patient_id,
        detail="from note" if note is not None else "",
    )
    return progress


def record_progress(
    *,
    actor: Actor,
    goal: Goal,
    value: Decimal,
    recorded_on: datetime.date,
    note: ClinicalNote | None = None,
    comment: str = "",
) -> GoalProgress:
    """A value of a free-metric goal on a date, optionally from a note."""
    require_edit(actor, goal.clinic_id)
    comment = comment.strip()
    raise_errors(
        _progress_errors(
            actor=actor,
            goal=goal,
            value=value,
            recorded_on=recorded_on,
            note=note,
            comment=comment,
        )
    )
    with transaction.atomic():
        return _save_progress(
            actor=actor,
            goal=goal,
            value=value,
            recorded_on=recorded_on,
            note=note,
            comment=comment,
        )


@dataclass(frozen=True)
class NoteValue:
    goal: Goal
    value: Decimal
    comment: str = ""


def record_progress_from_note(
    *,
    actor: Actor,
    note: ClinicalNote,
    recorded_on: datetime.date,
    values: Sequence[NoteValue],
) -> list[GoalProgress]:
    """Several goals' values from one note: all are recorded or none. Errors
    are keyed "<goal id>-<field>"."""
    if not values:
        raise_errors({"__all__": ["Enter a value for at least one goal."]})
    for item in values:
        require_edit(actor, item.goal.clinic_id)
    errors: Errors = {}
    for item in values:
        for name, messages in _progress_errors(
            actor=actor,
            goal=item.goal,
            value=item.value,
            recorded_on=recorded_on,
            note=note,
            comment=item.comment.strip(),
        ).items():
            key = "__all__" if name in {"__all__", "recorded_on"} else name
            key = key if key == "__all__" else f"{item.goal.pk}-{name}"
            for message in messages:
                if message not in errors.get(key, []):
                    add_error(errors, key, message)
    raise_errors(errors)
    with transaction.atomic():
        return [
            _save_progress(
                actor=actor,
                goal=item.goal,
                value=item.value,
                recorded_on=recorded_on,
                note=note,
                comment=item.comment.strip(),
            )
            for item in values
        ]


def mark_progress_in_error(
    *, actor: Actor, progress: GoalProgress, reason: str
) -> GoalProgress:
    """Mark a recorded value entered in error (once). It stays, struck out,
    and leaves the goal's progress."""
    require_edit(actor, progress.clinic_id)
    cleaned = reason.strip()
    if not cleaned:
        raise_errors({"reason": ["Reason: say why the value is in error."]})
    if len(cleaned) > REASON_MAX:
        raise_errors({"reason": [f"Reason: at most {REASON_MAX} characters."]})
    with transaction.atomic():
        locked = GoalProgress.objects.select_for_update().get(
            pk=progress.pk, clinic=actor.clinic
        )
        if locked.is_entered_in_error:
            raise_errors({"reason": ["Reason: the value is already marked in error."]})
        locked.entered_in_error_at = timezone.now()
        locked.error_reason = cleaned
        locked.error_marked_by = actor.membership
        locked.save(
            update_fields=[
                "entered_in_error_at",
                "error_reason",
                "error_marked_by",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="entered_in_error",
            obj=locked,
            patient_id=progress.goal.plan.patient_id,
        )
    return locked
