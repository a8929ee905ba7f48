"""Writes for outcome measures: record a response, mark one entered in error.

A recorded response never changes: there is no edit service, and migration
0002's triggers refuse UPDATE in the database as well.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.outcomes.errors import (
    InvalidResponseError,
    OutcomePermissionError,
    ResponseLockedError,
    UnknownMeasureError,
)
from practica.outcomes.measures import get_measure
from practica.outcomes.models import MeasureResponse, ResponseErrorMark
from practica.outcomes.scoring import score_answers
from practica.tenancy.permissions import CHART_EDIT

if TYPE_CHECKING:
    from practica.charting.models import ClinicalNote
    from practica.patients.models import Patient
    from practica.scheduling.models import Appointment
    from practica.tenancy.actor import Actor

REASON_MAX = 500


def _require_edit(actor: Actor) -> None:
    if not actor.can(CHART_EDIT):
        raise OutcomePermissionError(f"Missing permission {CHART_EDIT}.")


def _context_errors(
    *,
    actor: Actor,
    patient: Patient,
    taken_on: datetime.date,
    note: ClinicalNote | None,
    appointment: Appointment | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if taken_on > timezone.localdate():
        errors["taken_on"] = ["Date taken: cannot be in the future."]
    elif taken_on < patient.date_of_birth:
        errors["taken_on"] = ["Date taken: cannot be before the date of birth."]
    if note is not None and (
        note.clinic_id != actor.clinic.pk or note.patient_id != patient.pk
    ):
        errors["note"] = ["Treatment note: choose a note of this patient."]
    if appointment is not None and (
        appointment.clinic_id != actor.clinic.pk or appointment.patient_id != patient.pk
    ):
        errors["appointment"] = ["Appointment: choose a visit of this patient."]
    return errors


def record_response(
    *,
    actor: Actor,
    patient: Patient,
    measure_code: str,
    answers: Mapping[str, object],
    taken_on: datetime.date,
    note: ClinicalNote | None = None,
    appointment: Appointment | None = None,
) -> MeasureResponse:
    """Validate and score `answers` (item key -> value) and store the response.

    Raises InvalidResponseError naming every item or field at fault; nothing
    is written then. A note given without an appointment lends its visit.
    """
    _require_edit(actor)
    if patient.clinic_id != actor.clinic.pk:
        raise OutcomePermissionError("The patient is not in this clinic.")
    measure = get_measure(measure_code)
    if measure is None:
        raise UnknownMeasureError(f"No outcome measure has the code {measure_code}.")
    errors = _context_errors(
        actor=actor,
        patient=patient,
        taken_on=taken_on,
        note=note,
        appointment=appointment,
    )
    try:
        scored = score_answers(measure, answers)
    except InvalidResponseError as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise InvalidResponseError(errors)
    if appointment is None and note is not None:
        appointment = note.appointment
    with transaction.atomic():
        response = MeasureResponse.objects.create(
            clinic=actor.clinic,
            patient=patient,
            measure_code=measure.code,
            measure_version=measure.version,
            answers=scored.answers,
            score=scored.score,
            band=scored.band,
            flags=scored.flags,
            taken_on=taken_on,
            recorded_by=actor.membership,
            note=note,
            appointment=appointment,
        )
        record_change(
            actor=actor,
            action="create",
            obj=response,
            patient_id=patient.pk,
            detail=f"{measure.code} v{measure.version}",
        )
    return response


def mark_entered_in_error(
    *, actor: Actor, response: MeasureResponse, reason: str
) -> ResponseErrorMark:
    """Mark a response entered in error (once); the response itself is kept
    unchanged and leaves scores and trends."""
    _require_edit(actor)
    if response.clinic_id != actor.clinic.pk:
        raise OutcomePermissionError("The response is not in this clinic.")
    reason = reason.strip()
    if not reason:
        raise InvalidResponseError({"reason": ["Reason: say why it is in error."]})
    if len(reason) > REASON_MAX:
        raise InvalidResponseError(
            {"reason": [f"Reason: at most {REASON_MAX} characters."]}
        )
    if ResponseErrorMark.objects.filter(response=response).exists():
        raise ResponseLockedError("This response is already marked entered in error.")
    try:
        with transaction.atomic():
            mark = ResponseErrorMark.objects.create(
                clinic=actor.clinic,
                response=response,
                reason=reason,
                marked_by=actor.membership,
            )
            record_change(
                actor=actor,
                action="entered_in_error",
                obj=response,
                patient_id=response.patient_id,
                detail=response.measure_code,
            )
    except IntegrityError as exc:
        # Another request marked it first (one mark per response).
        raise ResponseLockedError(
            "This response is already marked entered in error."
        ) from exc
    return mark
