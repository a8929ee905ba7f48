"""Demo chart lists: problems (ICD-10), allergies, medications, immunizations
(CVX), vital signs and history for a dozen patients across the modalities,
and chart alerts for a few of them.

Each patient gets a profile fitting the modality of their visits (low back
pain for physiotherapy, anxiety for counselling, type 2 diabetes for foot
care, ...), entered through the services as the provider of their first
visit, with vitals taken at their visits. Alerts: fall risk for the oldest
foot-care patient, an interpreter for a patient preferring a language staff
do not speak (a Punjabi speaker when there is one), suicide risk for the
counselling client whose first PHQ-9 raises the item-9 flag
(`chart_outcomes.py`), a latex-free room for the patient allergic to latex.
Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from practica.charting.models import Allergy, ChartAlert, Problem
from practica.charting.services_chart import (
    add_alert,
    add_allergy,
    add_history_entry,
    add_immunization,
    add_medication,
    add_problem,
    change_entry_status,
    record_vital_signs,
)

# The outcome seeder's own choice of counselling clients, so the suicide-risk
# alert lands on the client whose first PHQ-9 it flags.
from practica.demo.chart_outcomes import COUNSELLING_PATIENTS, _most_seen, _visits
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AttendanceStatus, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS


@dataclass(frozen=True)
class Profile:
    problems: tuple[str, ...]
    allergies: tuple[tuple[str, str, str], ...] = ()  # substance, reaction, severity
    medications: tuple[tuple[str, str, str, str], ...] = ()  # name, dose, route, freq
    history: tuple[tuple[str, str], ...] = ()  # kind, text
    flu_shot: bool = False
    resolved: tuple[str, ...] = field(default=())  # problems already resolved


PROFILES: dict[str, tuple[Profile, ...]] = {
    Modality.PHYSIOTHERAPY: (
        Profile(
            problems=("M54.50", "M54.16"),
            resolved=("S39.012A",),
            allergies=(("Penicillin", "Hives", "moderate"),),
            medications=(("Ibuprofen", "400 mg", "oral", "as needed"),),
            history=(("social", "Office worker, sits most of the day"),),
        ),
        Profile(
            problems=("M17.11",),
            medications=(("Acetaminophen", "500 mg", "oral", "twice daily"),),
            history=(("surgery", "Arthroscopy, right knee"),),
            flu_shot=True,
        ),
    ),
    Modality.COUNSELLING: (
        Profile(
            problems=("F41.1", "G47.00"),
            medications=(("Sertraline", "50 mg", "oral", "once daily"),),
            history=(("family", "Mother: depression"),),
        ),
        Profile(
            problems=("F43.23",),
            allergies=(("Sulfonamides", "Rash", "mild"),),
            history=(("social", "Recently changed jobs; lives alone"),),
        ),
    ),
    Modality.FOOT_CARE: (
        Profile(
            problems=("E11.42", "B35.1"),
            medications=(
                ("Metformin", "500 mg", "oral", "twice daily"),
                ("Atorvastatin", "20 mg", "oral", "at bedtime"),
            ),
            allergies=(("Penicillin", "Anaphylaxis", "life_threatening"),),
            history=(("past_condition", "Hypertension since 2015"),),
            flu_shot=True,
        ),
        Profile(
            problems=("E11.9", "L60.0"),
            medications=(("Metformin", "850 mg", "oral", "twice daily"),),
            flu_shot=True,
        ),
    ),
    Modality.MASSAGE: (
        Profile(
            problems=("M54.2", "M62.830"),
            allergies=(("Latex", "Contact dermatitis", "mild"),),
        ),
        Profile(problems=("G44.209",)),
    ),
    Modality.OCCUPATIONAL: (
        Profile(
            problems=("G56.01",),
            history=(("social", "Works as a carpenter"),),
        ),
        Profile(
            problems=("I69.351", "R26.81"),
            medications=(("Clopidogrel", "75 mg", "oral", "once daily"),),
            history=(("past_condition", "Ischemic stroke"),),
            flu_shot=True,
        ),
    ),
    Modality.FAMILY: (
        Profile(
            problems=("I10", "E78.5"),
            medications=(("Ramipril", "5 mg", "oral", "once daily"),),
            history=(("family", "Father: myocardial infarction at 60"),),
            flu_shot=True,
        ),
        Profile(
            problems=("J45.909",),
            allergies=(("Peanuts", "Throat swelling", "severe"),),
            medications=(("Salbutamol inhaler", "100 mcg", "inhaled", "as needed"),),
        ),
    ),
}
VITALS = ((128, 82, 72), (124, 80, 70), (121, 78, 66))
# Staff speak these; a patient preferring another language needs an
# interpreter.
OFFICIAL_LANGUAGES = ("English", "French")
INTERPRETER_LANGUAGE = "Punjabi"


def _first_visits(
    clinic: Clinic, modality: str, today: dt.date
) -> list[list[Appointment]]:
    """Past completed visits of the first patients (by name) of `modality`."""
    rows = (
        Appointment.objects.filter(
            clinic=clinic,
            appointment_type__modality=modality,
            status=AttendanceStatus.COMPLETED,
            patient__isnull=False,
        )
        .select_related("location", "patient", "provider__membership__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    )
    visits: dict[object, list[Appointment]] = {}
    for visit in rows:
        if visit.start_at.astimezone(visit.location.tz).date() < today:
            visits.setdefault(visit.patient_id, []).append(visit)
    return list(visits.values())


def _provider_actor(visit: Appointment) -> Actor:
    """The visit's provider, entering what they found."""
    membership = visit.provider.membership
    return Actor(
        clinic=visit.clinic,
        user=membership.user if membership else None,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def _seed_patient(profile: Profile, visits: list[Appointment], today: dt.date) -> None:
    first = visits[0]
    patient = first.patient
    assert patient is not None  # filtered above
    actor = _provider_actor(first)
    onset = today - dt.timedelta(days=120)
    for code in (*profile.problems, *profile.resolved):
        problem = add_problem(actor=actor, patient=patient, code=code, onset_on=onset)
        if code in profile.resolved:
            change_entry_status(
                actor=actor,
                entry=problem,
                status=Problem.Status.RESOLVED,
                reason="Settled with treatment",
            )
    for substance, reaction, severity in profile.allergies:
        add_allergy(
            actor=actor,
            patient=patient,
            substance=substance,
            reaction=reaction,
            severity=severity,
            noted_on=today - dt.timedelta(days=900),
        )
    for name, dose, route, frequency in profile.medications:
        add_medication(
            actor=actor,
            patient=patient,
            name=name,
            dose=dose,
            route=route,
            frequency=frequency,
            start_on=today - dt.timedelta(days=300),
            prescriber="Family physician",
        )
    for kind, text in profile.history:
        add_history_entry(actor=actor, patient=patient, kind=kind, text=text)
    if profile.flu_shot:
        add_immunization(
            actor=actor,
            patient=patient,
            code="158",
            given_on=today - dt.timedelta(days=60),
            lot="FL2026A",
            site="Left deltoid",
        )
    for visit, (systolic, diastolic, pulse) in zip(visits, VITALS, strict=False):
        record_vital_signs(
            actor=actor,
            patient=patient,
            taken_at=visit.start_at,
            systolic=systolic,
            diastolic=diastolic,
            pulse=pulse,
            weight_kg=Decimal("78.5"),
        )


def _first_visit_of(clinic: Clinic, patient: Patient, today: dt.date) -> Appointment:
    """The patient's first completed past visit (they have one)."""
    visits = [
        v
        for v in Appointment.objects.filter(
            clinic=clinic, patient=patient, status=AttendanceStatus.COMPLETED
        )
        .select_related("location", "patient", "provider__membership__user")
        .order_by("start_at")
        if v.start_at.astimezone(v.location.tz).date() < today
    ]
    return visits[0]


def _language(visit: Appointment) -> str:
    return visit.patient.preferred_language if visit.patient else ""


def _born_on(visit: Appointment) -> dt.date:
    assert visit.patient is not None  # filtered to visits with a patient
    return visit.patient.date_of_birth


def _alerted_patients(
    clinic: Clinic, today: dt.date
) -> list[tuple[Appointment, str, str, str]]:
    """(first visit, category, severity, details) of each demo alert."""
    found: list[tuple[Appointment, str, str, str]] = []
    foot_care = [v[0] for v in _first_visits(clinic, Modality.FOOT_CARE, today)]
    if foot_care:
        oldest = min(foot_care, key=_born_on)
        found.append(
            (
                oldest,
                ChartAlert.Category.FALL_RISK,
                ChartAlert.Severity.WARNING,
                "Neuropathy in both feet; steady them off the treatment chair",
            )
        )
    speakers = [
        visits[0]
        for modality in PROFILES
        for visits in _first_visits(clinic, modality, today)
        if _language(visits[0]) not in ("", *OFFICIAL_LANGUAGES)
    ]
    if speakers:
        # A Punjabi speaker when the clinic has one with a visit.
        first = min(speakers, key=lambda v: _language(v) != INTERPRETER_LANGUAGE)
        found.append(
            (
                first,
                ChartAlert.Category.INTERPRETER,
                ChartAlert.Severity.INFO,
                _language(first),
            )
        )
    counselling = _most_seen(
        _visits(clinic, Modality.COUNSELLING, today), COUNSELLING_PATIENTS
    )
    if counselling:
        found.append(
            (
                counselling[0][0],
                ChartAlert.Category.SELF_HARM_RISK,
                ChartAlert.Severity.CRITICAL,
                "PHQ-9 item 9 positive at intake; safety plan on file",
            )
        )
    latex = (
        Allergy.objects.filter(
            clinic=clinic, substance="Latex", status=Allergy.Status.ACTIVE
        )
        .select_related("patient")
        .order_by("created_at")
        .first()
    )
    if latex:
        found.append(
            (
                _first_visit_of(clinic, latex.patient, today),
                ChartAlert.Category.LATEX_FREE,
                ChartAlert.Severity.WARNING,
                "Latex allergy: nitrile gloves, latex-free room",
            )
        )
    return found


def _seed_alerts(clinic: Clinic, today: dt.date) -> None:
    for visit, category, severity, text in _alerted_patients(clinic, today):
        assert visit.patient is not None  # filtered above
        add_alert(
            actor=_provider_actor(visit),
            patient=visit.patient,
            category=category,
            severity=severity,
            text=text,
        )


def seed_chart_lists(clinic: Clinic, *, today: dt.date) -> None:
    """Chart lists for two patients of each modality the clinic offers, and
    a few chart alerts (seeded on their own, so a clinic charted before
    alerts existed gets them too)."""
    if not Problem.objects.filter(clinic=clinic).exists():
        _seed_lists(clinic, today)
    if not ChartAlert.objects.filter(clinic=clinic).exists():
        _seed_alerts(clinic, today)


def _seed_lists(clinic: Clinic, today: dt.date) -> None:
    seeded: set[object] = set()
    for modality, profiles in PROFILES.items():
        patients = [
            v
            for v in _first_visits(clinic, modality, today)
            if v[0].patient_id not in seeded
        ]
        for profile, visits in zip(profiles, patients, strict=False):
            _seed_patient(profile, visits, today)
            seeded.add(visits[0].patient_id)
