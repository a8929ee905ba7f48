"""Reads for the chart page: the patient's clinical lists, the visits around
today and (for roles that may see it) the balance, in a fixed number of
queries whatever the lengths of the lists."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from practica.billing.selectors import patient_balance
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
from practica.charting.selectors_notes import UnsignedNote, list_patient_overdue_notes
from practica.labs.selectors import abnormal_recent
from practica.patients.selectors import get_patient_for
from practica.scheduling.models import Appointment
from practica.scheduling.selectors import list_patient_appointments
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.permissions import BILLING_BALANCE

if TYPE_CHECKING:
    from practica.labs.models import LabResult
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

E = TypeVar("E", bound=ChartEntry)
VITALS_SHOWN = 12
VISITS_SHOWN = 3
LAB_ALERT_DAYS = 365


@dataclass(frozen=True)
class ChartSummary:
    patient: Patient
    problems: list[Problem]
    allergies: list[Allergy]
    medications: list[Medication]
    immunizations: list[Immunization]
    vitals: list[VitalSigns]
    history: list[MedicalHistory]
    upcoming_visits: list[Appointment]
    last_visits: list[Appointment]
    balance: Decimal | None
    # Drafts unsigned past the clinic's limit (selectors_notes.py).
    overdue_notes: list[UnsignedNote]
    # Latest flagged result of each lab test within LAB_ALERT_DAYS (labs app).
    abnormal_labs: list[LabResult]
    # Every alert of the chart; the banner shows the active, unexpired ones.
    alerts: list[ChartAlert]
    # The day alerts expire against.
    today: datetime.date

    @property
    def banner_alerts(self) -> list[ChartAlert]:
        """Active alerts not expired today, critical first, then newest."""
        shown = [a for a in self.alerts if a.is_shown_on(self.today)]
        return sorted(shown, key=lambda a: a.severity_rank)

    @property
    def expired_alert_ids(self) -> set[uuid.UUID]:
        """Active alerts past their expiry date (hidden from the banner)."""
        return {
            a.pk
            for a in self.alerts
            if a.status == ChartAlert.Status.ACTIVE and not a.is_shown_on(self.today)
        }

    @property
    def active_allergies(self) -> list[Allergy]:
        return [a for a in self.allergies if a.status == Allergy.Status.ACTIVE]

    @property
    def active_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.status == Problem.Status.ACTIVE]

    @property
    def current_medications(self) -> list[Medication]:
        return [m for m in self.medications if m.status == Medication.Status.ACTIVE]

    @property
    def latest_vitals(self) -> VitalSigns | None:
        valid = [v for v in self.vitals if v.status != ENTERED_IN_ERROR]
        return valid[0] if valid else None


def _rows(actor: Actor, model: type[E], patient: Patient) -> QuerySet[E]:
    return model.objects.filter(clinic=actor.clinic, patient=patient).select_related(
        "recorded_by__user"
    )


def get_chart_for(
    *, actor: Actor, patient_id: uuid.UUID, now: datetime.datetime
) -> ChartSummary:
    """The patient's chart; records one view entry (404 outside the clinic)."""
    patient = get_patient_for(actor=actor, patient_id=patient_id)
    visits = list_patient_appointments(actor=actor, patient=patient).exclude(
        status__in=Appointment.RELEASING
    )
    return ChartSummary(
        patient=patient,
        problems=list(_rows(actor, Problem, patient).order_by("status", "-created_at")),
        allergies=list(_rows(actor, Allergy, patient).order_by("status", "substance")),
        medications=list(_rows(actor, Medication, patient).order_by("status", "name")),
        immunizations=list(_rows(actor, Immunization, patient)),
        vitals=list(_rows(actor, VitalSigns, patient)[:VITALS_SHOWN]),
        history=list(_rows(actor, MedicalHistory, patient)),
        upcoming_visits=list(
            visits.filter(start_at__gte=now).order_by("start_at")[:VISITS_SHOWN]
        ),
        last_visits=list(
            visits.filter(start_at__lt=now).order_by("-start_at")[:VISITS_SHOWN]
        ),
        balance=(
            patient_balance(actor=actor, patient=patient)
            if actor.can(BILLING_BALANCE)
            else None
        ),
        overdue_notes=list_patient_overdue_notes(actor=actor, patient=patient, now=now),
        abnormal_labs=abnormal_recent(
            actor=actor,
            patient=patient,
            since=now - datetime.timedelta(days=LAB_ALERT_DAYS),
        ),
        alerts=list(
            _rows(actor, ChartAlert, patient).order_by("status", "-created_at")
        ),
        today=timezone.localdate(now),
    )


def get_patient_for_chart_change(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient a POST adds to (the service records the change)."""
    return get_patient_for(actor=actor, patient_id=patient_id, record_access=False)


def get_entry_for_change(*, actor: Actor, model: type[E], entry_id: uuid.UUID) -> E:
    """One list row of the actor's clinic, for a status change."""
    return scoped_get_or_404(actor, model.objects.all(), pk=entry_id)
