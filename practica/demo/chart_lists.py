"""Demo chart lists: problems (ICD-10), allergies, medications, immunizations
(CVX), vital signs and history for a dozen patients across the modalities.

Each patient gets a profile fitting the modality of their visits (low back
pain for physiotherapy, anxiety for counselling, type 2 diabetes for foot
care, ...), entered through the services as the provider of their first
visit, with vitals taken at their visits. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from practica.charting.models import Problem
from practica.charting.services_chart import (
    add_allergy,
    add_history_entry,
    add_immunization,
    add_medication,
    add_problem,
    change_entry_status,
    record_vital_signs,
)
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


def _seed_patient(profile: Profile, visits: list[Appointment], today: dt.date) -> None:
    first = visits[0]
    patient = first.patient
    assert patient is not None  # filtered above
    membership = first.provider.membership
    actor = Actor(
        clinic=first.clinic,
        user=membership.user if membership else None,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )
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


def seed_chart_lists(clinic: Clinic, *, today: dt.date) -> None:
    """Chart lists for two patients of each modality the clinic offers."""
    if Problem.objects.filter(clinic=clinic).exists():
        return
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
