"""Shared pieces of the plan services: the permission check, error
collection and the limits the forms repeat."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from practica.plans.errors import PlanInvalidError, PlanPermissionError
from practica.tenancy.permissions import CHART_EDIT

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

Errors = dict[str, list[str]]

TITLE_MAX = 200
NOTES_MAX = 4000
REASON_MAX = 300
COMMENT_MAX = 500
DESCRIPTION_MAX = 300
MAX_VISITS = 200
MAX_PER_PERIOD = 21
MAX_WEEKS = 104
VALUE_LIMIT = Decimal("999999.99")


def require_edit(actor: Actor, clinic_id: int) -> None:
    if not actor.can(CHART_EDIT):
        raise PlanPermissionError(f"Missing permission {CHART_EDIT}.")
    if clinic_id != actor.clinic.pk:
        raise PlanPermissionError("The record is not in this clinic.")


def add_error(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def raise_errors(errors: Errors) -> None:
    if errors:
        raise PlanInvalidError(errors)


def check_range(
    errors: Errors, name: str, label: str, value: int | None, low: int, high: int
) -> None:
    if value is not None and not low <= value <= high:
        add_error(errors, name, f"{label}: enter a number from {low} to {high}.")
