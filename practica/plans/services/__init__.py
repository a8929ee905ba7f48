"""Writes for treatment plans: create and edit a plan, change its status, add
a goal and change its status, record goal progress (from a note or not) and
mark a progress value entered in error. Split by what they change (STYLE.md:
a module past about 400 lines becomes a package); callers import from here.

Every write checks chart.edit and the clinic, validates every rule at once
(PlanInvalidError names each field at fault; nothing is written then), saves
inside a transaction and records the change in the audit log. A measure
goal's progress is the patient's outcome-measure scores, read from the
outcomes app; this app never writes them.
"""

from practica.plans.services.goals import (
    GoalFields,
    add_goal,
    change_goal_status,
)
from practica.plans.services.plans import (
    INITIAL_STATUSES,
    PLAN_TRANSITIONS,
    PlanFields,
    change_plan_status,
    create_plan,
    update_plan,
)
from practica.plans.services.progress import (
    NoteValue,
    mark_progress_in_error,
    record_progress,
    record_progress_from_note,
)
from practica.plans.services.rules import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MAX_PER_PERIOD,
    MAX_VISITS,
    MAX_WEEKS,
    NOTES_MAX,
    REASON_MAX,
    TITLE_MAX,
    VALUE_LIMIT,
)

__all__ = [
    "COMMENT_MAX",
    "DESCRIPTION_MAX",
    "INITIAL_STATUSES",
    "MAX_PER_PERIOD",
    "MAX_VISITS",
    "MAX_WEEKS",
    "NOTES_MAX",
    "PLAN_TRANSITIONS",
    "REASON_MAX",
    "TITLE_MAX",
    "VALUE_LIMIT",
    "GoalFields",
    "NoteValue",
    "PlanFields",
    "add_goal",
    "change_goal_status",
    "change_plan_status",
    "create_plan",
    "mark_progress_in_error",
    "record_progress",
    "record_progress_from_note",
    "update_plan",
]
