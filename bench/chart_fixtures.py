"""A full chart for the benchmark's busiest patient, entered through the
chart services: the chart summary is measured on a patient with years of
visits and a long list in every section (issue 4: p95 < 80 ms)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from practica.charting.models import Problem
from practica.charting.services_chart import (
    add_allergy,
    add_history_entry,
    add_immunization,
    add_medication,
    add_problem,
    record_vital_signs,
)
from practica.labs.models import LabResult
from practica.labs.services import record_lab_result
from practica.patients.models import Patient
from practica.tenancy.actor import Actor

PROBLEMS = (
    "M54.50", "M54.59", "M25.561", "M25.562", "M17.11", "M75.101", "M72.2",
    "E11.9", "I10", "E78.5", "F41.1", "F32.A", "G47.00", "M79.7", "R26.81",
)  # fmt: skip
ALLERGIES = (
    ("Penicillin", "Hives", "moderate"),
    ("Latex", "Contact dermatitis", "mild"),
    ("Peanuts", "Anaphylaxis", "life_threatening"),
    ("Codeine", "Nausea", "mild"),
    ("Sulfa drugs", "Rash", "moderate"),
    ("Adhesive tape", "Skin irritation", "mild"),
)
MEDICATIONS = (
    ("Metformin", "500 mg", "oral", "twice daily"),
    ("Ramipril", "5 mg", "oral", "once daily"),
    ("Atorvastatin", "20 mg", "oral", "at bedtime"),
    ("Sertraline", "50 mg", "oral", "once daily"),
    ("Ibuprofen", "400 mg", "oral", "as needed"),
    ("Vitamin D3", "1000 IU", "oral", "once daily"),
    ("Acetaminophen", "500 mg", "oral", "every 6 hours as needed"),
    ("Melatonin", "3 mg", "oral", "at bedtime"),
    ("Diclofenac gel 1%", "4 g", "topical", "four times daily"),
    ("Omeprazole", "20 mg", "oral", "once daily"),
)
IMMUNIZATIONS = ("158", "141", "187", "115", "213", "33", "08", "03")
HISTORY = (
    ("surgery", "Right knee arthroscopy"),
    ("surgery", "Appendectomy"),
    ("family", "Mother: type 2 diabetes"),
    ("family", "Father: myocardial infarction at 61"),
    ("social", "Office worker, sits 8 hours a day"),
    ("social", "Non-smoker; alcohol 2 drinks a week"),
    ("past_condition", "Gestational diabetes (2015)"),
    ("past_condition", "Concussion, cycling (2012)"),
)
VITALS = 60
# LOINC code, then values oldest first: HbA1c, fasting glucose, LDL, eGFR,
# vitamin D, TSH, hemoglobin, CRP; a quarter of them out of range.
LABS = (
    ("4548-4", ("7.9", "7.4", "7.1", "6.8", "6.6", "6.4")),
    ("14771-0", ("7.8", "7.1", "6.6", "6.2", "5.9", "5.6")),
    ("39469-2", ("4.1", "3.8", "3.2", "2.9", "2.6", "2.4")),
    ("98979-8", ("72", "70", "69", "66", "64", "61")),
    ("1989-3", ("38", "52", "71", "88", "95", "102")),
    ("3016-3", ("2.1", "2.4", "1.9", "2.2", "2.0", "2.3")),
    ("718-7", ("12.8", "13.1", "13.5", "13.8", "14.0", "14.1")),
    ("1988-5", ("14", "9", "6", "4", "3", "2")),
)


def fill_chart(actor: Actor, patient: Patient) -> None:
    """Idempotent: each part is added only when the patient has none of it."""
    if not Problem.objects.filter(clinic=actor.clinic, patient=patient).exists():
        _fill_lists(actor, patient)
    if not LabResult.objects.filter(clinic=actor.clinic, patient=patient).exists():
        _fill_labs(actor, patient)


def _fill_lists(actor: Actor, patient: Patient) -> None:
    today = timezone.localdate()
    for n, code in enumerate(PROBLEMS):
        add_problem(
            actor=actor,
            patient=patient,
            code=code,
            onset_on=today - datetime.timedelta(days=30 * (n + 1)),
        )
    for substance, reaction, severity in ALLERGIES:
        add_allergy(
            actor=actor,
            patient=patient,
            substance=substance,
            reaction=reaction,
            severity=severity,
        )
    for n, (name, dose, route, frequency) in enumerate(MEDICATIONS):
        add_medication(
            actor=actor,
            patient=patient,
            name=name,
            dose=dose,
            route=route,
            frequency=frequency,
            start_on=today - datetime.timedelta(days=60 * (n + 1)),
            prescriber="Dr. A. Family",
        )
    for n, code in enumerate(IMMUNIZATIONS):
        add_immunization(
            actor=actor,
            patient=patient,
            code=code,
            given_on=today - datetime.timedelta(days=200 * (n + 1)),
            lot=f"LOT{n:04d}",
            site="Left deltoid",
        )
    for kind, text in HISTORY:
        add_history_entry(actor=actor, patient=patient, kind=kind, text=text)
    now = timezone.now()
    for n in range(VITALS):
        record_vital_signs(
            actor=actor,
            patient=patient,
            taken_at=now - datetime.timedelta(days=14 * (n + 1)),
            systolic=118 + n % 15,
            diastolic=76 + n % 9,
            pulse=64 + n % 12,
            temperature_c=Decimal("36.8"),
            weight_kg=Decimal("82.5") - Decimal(n % 7),
            height_cm=Decimal("176"),
        )


def _fill_labs(actor: Actor, patient: Patient) -> None:
    now = timezone.now()
    for code, values in LABS:
        for n, value in enumerate(values):
            record_lab_result(
                actor=actor,
                patient=patient,
                loinc_code=code,
                value=value,
                collected_at=now - datetime.timedelta(days=60 * (len(values) - n)),
            )
