"""Writes for lab results: record a result, mark one entered in error.

Every write checks chart.edit and the clinic, validates the whole result at
once (each message names its field), saves inside a transaction and records
the change in the audit log. A result is never deleted or edited; a mistake
is marked entered in error with a reason.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.labs.errors import (
    LabPermissionError,
    LabResultInvalidError,
    LabResultLockedError,
)
from practica.labs.flags import Limits, numeric_flag, text_flag
from practica.labs.loinc import CODE_FORMAT, LoincTest, check_digit_ok, lookup
from practica.labs.models import Comparator, Flag, LabResult
from practica.labs.units import matching_unit, same_number
from practica.tenancy.permissions import CHART_EDIT

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

REASON_MAX = 300
MAX_DECIMALS = 4
MAX_WHOLE_DIGITS = 10
CLOCK_SLACK = datetime.timedelta(minutes=5)
_NUMBER = re.compile(r"^(<=|>=|<|>|≤|≥)?\s*([+-]?[0-9]+(?:\.[0-9]+)?)$")
_COMPARATORS = {"≤": Comparator.LESS_OR_EQUAL, "≥": Comparator.GREATER_OR_EQUAL}

Errors = dict[str, list[str]]


def _require_edit(actor: Actor) -> None:
    if not actor.can(CHART_EDIT):
        raise LabPermissionError(f"Missing permission {CHART_EDIT}.")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def parse_value(value: str) -> tuple[str, Decimal] | None:
    """(comparator, number) of a numeric reading such as "5.6" or "<0.5";
    None for text ("Positive")."""
    match = _NUMBER.match(value.strip())
    if match is None:
        return None
    sign, number = match.groups()
    comparator = _COMPARATORS.get(sign or "", sign or "")
    return comparator, Decimal(number)


def _check_number(errors: Errors, field: str, label: str, number: Decimal) -> None:
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > MAX_DECIMALS:
        _add(errors, field, f"{label}: at most {MAX_DECIMALS} decimal places.")
    elif abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        _add(errors, field, f"{label}: the number is too large.")


def _code(errors: Errors, loinc_code: str) -> str:
    code = loinc_code.strip()
    if not CODE_FORMAT.match(code):
        _add(
            errors,
            "loinc_code",
            "LOINC code: enter a code such as 4548-4 (digits, a dash, a check "
            "digit), or pick a test from the list.",
        )
    elif not check_digit_ok(code):
        _add(
            errors,
            "loinc_code",
            "LOINC code: the check digit after the dash is wrong; copy the "
            "code from the lab report.",
        )
    return code


def _times(
    errors: Errors,
    patient: Patient,
    collected_at: datetime.datetime,
    reported_at: datetime.datetime | None,
) -> None:
    latest = timezone.now() + CLOCK_SLACK
    if collected_at > latest:
        _add(errors, "collected_at", "Collected at: cannot be in the future.")
    elif timezone.localtime(collected_at).date() < patient.date_of_birth:
        _add(errors, "collected_at", "Collected at: cannot be before the birth date.")
    if reported_at is not None:
        if reported_at > latest:
            _add(errors, "reported_at", "Reported at: cannot be in the future.")
        elif reported_at < collected_at:
            _add(
                errors,
                "reported_at",
                "Reported at: cannot be before the collection time.",
            )


def _unit(errors: Errors, test: LoincTest | None, unit: str) -> str:
    unit = unit.strip()
    if test is None or not test.is_numeric:
        return unit
    if not unit:
        return test.unit
    known = matching_unit(unit, test.units)
    if known is None:
        listed = " or ".join(test.units)
        _add(
            errors,
            "unit",
            f"Unit: {test.name} is reported in {listed}; a value in "
            f"{unit} is another test (search the list for it).",
        )
        return unit
    return known


def _defaults_apply(test: LoincTest | None, unit: str) -> bool:
    """The shipped range is in the test's usual unit: it applies only when
    the result is in that unit or one giving the same number."""
    if test is None:
        return False
    return not test.is_numeric or same_number(unit, test.unit)


def record_lab_result(
    *,
    actor: Actor,
    patient: Patient,
    loinc_code: str,
    value: str,
    collected_at: datetime.datetime,
    unit: str = "",
    test_name: str = "",
    reference_low: Decimal | None = None,
    reference_high: Decimal | None = None,
    reference_text: str = "",
    flag: str = "",
    reported_at: datetime.datetime | None = None,
    performer: str = "",
    comment: str = "",
) -> LabResult:
    """Store one result. A test from the shipped LOINC list takes its LOINC
    name, its usual unit when none is given, and its adult range when the
    result gives none; `flag` empty means compute it from the range.

    Raises LabResultInvalidError naming every field at fault; nothing is
    written then."""
    _require_edit(actor)
    if patient.clinic_id != actor.clinic.pk:
        raise LabPermissionError("The patient is not in this clinic.")
    errors: Errors = {}
    code = _code(errors, loinc_code)
    test = lookup(code) if not errors else None
    name = test.name if test is not None else test_name.strip()
    if not name and not errors:
        _add(
            errors,
            "test_name",
            "Test: name the test; its code is not in the shipped LOINC list.",
        )
    text = value.strip()
    parsed = parse_value(text) if text else None
    if not text:
        _add(errors, "value", "Value: enter the result.")
    elif test is not None and test.is_numeric and parsed is None:
        _add(
            errors,
            "value",
            f"Value: {test.name} is a numeric test; enter a number such "
            "as 5.6 (or <0.5).",
        )
    elif test is not None and not test.is_numeric:
        parsed = None  # "1+" or "Positive": kept as the lab wrote it
    if parsed is not None:
        _check_number(errors, "value", "Value", parsed[1])
    stored_unit = _unit(errors, test, unit)
    for field, label, number in (
        ("reference_low", "Reference low", reference_low),
        ("reference_high", "Reference high", reference_high),
    ):
        if number is not None:
            _check_number(errors, field, label, number)
    if (
        reference_low is not None
        and reference_high is not None
        and reference_low > reference_high
    ):
        _add(
            errors,
            "reference_low",
            "Reference low: the low end is above the high end.",
        )
    if flag and flag not in Flag.values:
        _add(errors, "flag", "Flag: choose a listed flag.")
    _times(errors, patient, collected_at, reported_at)
    if errors:
        raise LabResultInvalidError(errors)

    ref_text = reference_text.strip()
    given_range = reference_low is not None or reference_high is not None or ref_text
    shipped = test if _defaults_apply(test, stored_unit) else None
    if shipped is not None and not given_range:
        reference_low, reference_high = shipped.low, shipped.high
        ref_text = shipped.normal
    computed = ""
    if parsed is not None:
        limits = Limits(
            low=reference_low,
            high=reference_high,
            critical_low=shipped.critical_low if shipped else None,
            critical_high=shipped.critical_high if shipped else None,
        )
        computed = numeric_flag(parsed[1], parsed[0], limits)
    else:
        computed = text_flag(text, ref_text)
    result = LabResult(
        clinic=actor.clinic,
        patient=patient,
        loinc_code=code,
        test_name=name,
        value=text,
        value_number=parsed[1] if parsed else None,
        value_comparator=parsed[0] if parsed else "",
        unit=stored_unit,
        reference_low=reference_low,
        reference_high=reference_high,
        reference_text=ref_text,
        flag=flag or computed,
        is_flag_manual=bool(flag),
        collected_at=collected_at,
        reported_at=reported_at,
        performer=performer.strip(),
        comment=comment.strip(),
        recorded_by=actor.membership,
    )
    _validate(result)
    with transaction.atomic():
        result.save()
        record_change(
            actor=actor,
            action="create",
            obj=result,
            patient_id=patient.pk,
            detail=code,
        )
    return result


_LABELS = {
    field.name: str(field.verbose_name).capitalize() for field in LabResult._meta.fields
}


def _validate(result: LabResult) -> None:
    """Field lengths and constraints, each message naming its field."""
    try:
        result.full_clean(
            exclude=["clinic", "patient", "recorded_by", "marked_in_error_by"]
        )
    except ValidationError as exc:
        errors: Errors = {}
        for name, messages in exc.message_dict.items():
            label = _LABELS.get(name, "")
            for message in messages:
                _add(errors, name, f"{label}: {message}" if label else message)
        raise LabResultInvalidError(errors) from exc


def mark_entered_in_error(*, actor: Actor, result: LabResult, reason: str) -> LabResult:
    """Mark a result entered in error (once, with a reason); it stays
    readable but leaves the latest values, flags and trends."""
    _require_edit(actor)
    if result.clinic_id != actor.clinic.pk:
        raise LabPermissionError("The result is not in this clinic.")
    cleaned = reason.strip()
    if not cleaned:
        raise LabResultInvalidError(
            {"reason": ["Reason: say why the result is in error."]}
        )
    if len(cleaned) > REASON_MAX:
        raise LabResultInvalidError(
            {"reason": [f"Reason: at most {REASON_MAX} characters."]}
        )
    with transaction.atomic():
        locked = LabResult.objects.select_for_update().get(
            pk=result.pk, clinic=actor.clinic
        )
        if locked.is_entered_in_error:
            raise LabResultLockedError(
                "This result is already marked entered in error."
            )
        locked.status = LabResult.Status.ENTERED_IN_ERROR
        locked.error_reason = cleaned
        locked.marked_in_error_at = timezone.now()
        locked.marked_in_error_by = actor.membership
        locked.save(
            update_fields=[
                "status",
                "error_reason",
                "marked_in_error_at",
                "marked_in_error_by",
                "updated_at",
            ]
        )
        record_change(
            actor=actor,
            action="entered_in_error",
            obj=locked,
            patient_id=locked.patient_id,
            detail=locked.loinc_code,
        )
    return locked
