"""Writes for the chart's clinical lists: problems, allergies, medications,
immunizations, vital signs, medical history and chart alerts.

Every write checks CHART_EDIT, validates the row (model validators and
constraints, shipped code lists, dates not in the future), saves inside a
transaction and records the change. Nothing is deleted: `change_entry_status`
resolves, stops or marks a row entered in error, with a reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.charting.codes import CodeSystem, lookup
from practica.charting.errors import ChartEntryInvalidError, ChartPermissionError
from practica.charting.models import (
    ENTERED_IN_ERROR,
    Allergy,
    ChartAlert,
    ChartEntry,
    Immunization,
    MedicalHistory,
    Medication,
    Problem,
    VitalSigns,
)
from practica.tenancy.permissions import CHART_EDIT

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

E = TypeVar("E", bound=ChartEntry)
REASON_MAX = 300
VITAL_FIELDS = (
    "systolic",
    "diastolic",
    "pulse",
    "temperature_c",
    "respiratory_rate",
    "spo2",
    "height_cm",
    "weight_kg",
)


def _require(actor: Actor, patient: Patient) -> None:
    if not actor.can(CHART_EDIT):
        raise ChartPermissionError(f"Missing permission {CHART_EDIT}.")
    if patient.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The patient is not in this clinic.")


def _label(entry: ChartEntry, name: str) -> str:
    if name == "__all__":
        return ""
    field = type(entry)._meta.get_field(name)
    text = str(getattr(field, "verbose_name", name))
    return text[:1].upper() + text[1:]


def _validate(entry: ChartEntry, extra: dict[str, list[str]]) -> None:
    """Model validation plus the caller's own rule breaks, as one error whose
    messages each name their field."""
    errors: dict[str, list[str]] = {k: list(v) for k, v in extra.items()}
    try:
        entry.full_clean(exclude=["clinic", "patient", "recorded_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            label = _label(entry, name)
            for message in messages:
                text = message if not label else f"{label}: {message}"
                if text not in errors.get(name, []):
                    errors.setdefault(name, []).append(text)
    if errors:
        raise ChartEntryInvalidError(errors)


def _not_future(
    errors: dict[str, list[str]], name: str, label: str, value: datetime.date | None
) -> None:
    if value is not None and value > timezone.localdate():
        errors.setdefault(name, []).append(f"{label}: cannot be in the future.")


def _create(
    *, actor: Actor, patient: Patient, entry: E, errors: dict[str, list[str]]
) -> E:
    _require(actor, patient)
    entry.clinic = actor.clinic
    entry.patient = patient
    entry.recorded_by = actor.membership
    _validate(entry, errors)
    with transaction.atomic():
        entry.save()
        record_change(actor=actor, action="create", obj=entry, patient_id=patient.pk)
    return entry


def add_problem(
    *,
    actor: Actor,
    patient: Patient,
    code: str,
    onset_on: datetime.date | None = None,
    note: str = "",
) -> Problem:
    """Add an active problem coded from the shipped ICD-10-CM list."""
    errors: dict[str, list[str]] = {}
    found = lookup(CodeSystem.ICD10, code)
    if found is None:
        errors["code"] = ["ICD-10 code: choose a code from the ICD-10-CM list."]
    _not_future(errors, "onset_on", "Onset", onset_on)
    problem = Problem(
        code=found.code if found else code.strip()[:8],
        display=found.display if found else "-",
        onset_on=onset_on,
        note=note.strip(),
    )
    return _create(actor=actor, patient=patient, entry=problem, errors=errors)


def add_allergy(
    *,
    actor: Actor,
    patient: Patient,
    substance: str,
    severity: str,
    reaction: str = "",
    noted_on: datetime.date | None = None,
) -> Allergy:
    errors: dict[str, list[str]] = {}
    _not_future(errors, "noted_on", "Noted on", noted_on)
    allergy = Allergy(
        substance=substance.strip(),
        severity=severity,
        reaction=reaction.strip(),
        noted_on=noted_on,
    )
    return _create(actor=actor, patient=patient, entry=allergy, errors=errors)


def add_medication(
    *,
    actor: Actor,
    patient: Patient,
    name: str,
    dose: str = "",
    route: str = "",
    frequency: str = "",
    start_on: datetime.date | None = None,
    stop_on: datetime.date | None = None,
    prescriber: str = "",
) -> Medication:
    """Add a medication; one with a stop date in the past is recorded as stopped."""
    errors: dict[str, list[str]] = {}
    _not_future(errors, "start_on", "Start", start_on)
    stopped = stop_on is not None and stop_on < timezone.localdate()
    medication = Medication(
        name=name.strip(),
        dose=dose.strip(),
        route=route.strip(),
        frequency=frequency.strip(),
        start_on=start_on,
        stop_on=stop_on,
        prescriber=prescriber.strip(),
        status=Medication.Status.STOPPED if stopped else Medication.Status.ACTIVE,
    )
    return _create(actor=actor, patient=patient, entry=medication, errors=errors)


def add_immunization(
    *,
    actor: Actor,
    patient: Patient,
    code: str,
    given_on: datetime.date,
    lot: str = "",
    site: str = "",
    note: str = "",
) -> Immunization:
    """Record a given vaccine coded from the shipped CVX list."""
    errors: dict[str, list[str]] = {}
    found = lookup(CodeSystem.CVX, code)
    if found is None:
        errors["code"] = ["CVX code: choose a vaccine from the CVX list."]
    _not_future(errors, "given_on", "Given on", given_on)
    immunization = Immunization(
        code=found.code if found else code.strip()[:4],
        display=found.display if found else "-",
        given_on=given_on,
        lot=lot.strip(),
        site=site.strip(),
        note=note.strip(),
    )
    return _create(actor=actor, patient=patient, entry=immunization, errors=errors)


def record_vital_signs(
    *,
    actor: Actor,
    patient: Patient,
    taken_at: datetime.datetime,
    systolic: int | None = None,
    diastolic: int | None = None,
    pulse: int | None = None,
    temperature_c: Decimal | None = None,
    respiratory_rate: int | None = None,
    spo2: int | None = None,
    height_cm: Decimal | None = None,
    weight_kg: Decimal | None = None,
) -> VitalSigns:
    """Record one set of measurements; blood pressure needs both numbers."""
    errors: dict[str, list[str]] = {}
    if taken_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["taken_at"] = ["Taken at: cannot be in the future."]
    values = [systolic, diastolic, pulse, temperature_c, respiratory_rate, spo2]
    if all(v is None for v in [*values, height_cm, weight_kg]):
        errors["__all__"] = ["Enter at least one measurement."]
    if (systolic is None) != (diastolic is None):
        missing = "diastolic" if diastolic is None else "systolic"
        errors.setdefault(missing, []).append(
            f"{missing.capitalize()} BP: enter both blood pressure numbers."
        )
    vitals = VitalSigns(
        taken_at=taken_at,
        systolic=systolic,
        diastolic=diastolic,
        pulse=pulse,
        temperature_c=temperature_c,
        respiratory_rate=respiratory_rate,
        spo2=spo2,
        height_cm=height_cm,
        weight_kg=weight_kg,
    )
    return _create(actor=actor, patient=patient, entry=vitals, errors=errors)


def add_history_entry(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    text: str,
    occurred_on: datetime.date | None = None,
) -> MedicalHistory:
    """Add a past condition, surgery, family or social history entry."""
    errors: dict[str, list[str]] = {}
    _not_future(errors, "occurred_on", "Date", occurred_on)
    entry = MedicalHistory(kind=kind, text=text.strip(), occurred_on=occurred_on)
    return _create(actor=actor, patient=patient, entry=entry, errors=errors)


def add_alert(
    *,
    actor: Actor,
    patient: Patient,
    category: str,
    severity: str,
    text: str = "",
    expires_on: datetime.date | None = None,
) -> ChartAlert:
    """Flag the chart (fall risk, interpreter needed, latex-free room, ...).

    "Other" says what it is and an interpreter alert names the language; an
    expiry date, if any, is today or later.
    """
    errors: dict[str, list[str]] = {}
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = ["Expires on: cannot be in the past."]
    alert = ChartAlert(
        category=category,
        severity=severity,
        text=" ".join(text.split()),
        expires_on=expires_on,
    )
    return _create(actor=actor, patient=patient, entry=alert, errors=errors)


def status_choices(model: type[ChartEntry]) -> list[tuple[str, str]]:
    """The statuses a row of this list can take."""
    field = model._meta.get_field("status")
    return [(str(value), str(label)) for value, label in field.choices or []]


def change_entry_status(*, actor: Actor, entry: E, status: str, reason: str = "") -> E:
    """Resolve, inactivate, stop or mark a row entered in error.

    Marking a row entered in error needs a reason and is final. Stopping a
    medication without a stop date stops it today.
    """
    if not actor.can(CHART_EDIT):
        raise ChartPermissionError(f"Missing permission {CHART_EDIT}.")
    if entry.clinic_id != actor.clinic.pk:
        raise ChartPermissionError("The entry is not in this clinic.")
    model = type(entry)
    cleaned = reason.strip()
    if status not in dict(status_choices(model)):
        raise ChartEntryInvalidError({"status": ["Status: choose a listed status."]})
    if len(cleaned) > REASON_MAX:
        raise ChartEntryInvalidError(
            {"reason": [f"Reason: keep it under {REASON_MAX} characters."]}
        )
    if status == ENTERED_IN_ERROR and not cleaned:
        raise ChartEntryInvalidError(
            {"reason": ["Reason: say why the entry was entered in error."]}
        )
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=entry.pk, clinic=actor.clinic)
        old = locked.status
        if old == ENTERED_IN_ERROR:
            raise ChartEntryInvalidError(
                {"status": ["Status: an entry marked in error cannot change."]}
            )
        if old == status:
            raise ChartEntryInvalidError({"status": ["Status: it already has it."]})
        locked.status = status
        locked.status_reason = cleaned
        locked.status_changed_at = timezone.now()
        fields = ["status", "status_reason", "status_changed_at", "updated_at"]
        if isinstance(locked, Medication) and status == Medication.Status.STOPPED:
            today = timezone.localdate()
            locked.stop_on = locked.stop_on or max(today, locked.start_on or today)
            fields.append("stop_on")
        locked.save(update_fields=fields)
        record_change(
            actor=actor,
            action="status",
            obj=locked,
            patient_id=locked.patient_id,
            detail=f"{old} -> {status}",
        )
    return locked
