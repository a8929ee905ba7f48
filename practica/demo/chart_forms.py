"""Demo forms and e-consents: for the first patients of each modality, the
consent to assessment and treatment and the privacy consent signed on the
tablet at their first visit, and a new-patient intake questionnaire; two
physiotherapy patients also filled the health history: one whose proposed
allergy a clinician accepted into the chart, one still awaiting review.

Signatures are drawn-looking PNGs made with Pillow (synthetic strokes).
Everything goes through the intake services as the front desk (handed over)
and the provider (acceptance), so it is validated, rendered as PDF and
audited like real use. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping

from django.http import QueryDict
from PIL import Image, ImageDraw

from practica.intake.models import FormSubmission
from practica.intake.services import decide_proposal, submit_form
from practica.intake.shipped_forms import (
    AGREE,
    CONSENT_PRIVACY,
    CONSENT_TREATMENT,
    HEALTH_HISTORY,
    INTAKE,
)
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AttendanceStatus, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS, FRONT_DESK

PER_MODALITY = 2
PRIVACY_ACK = CONSENT_PRIVACY.fields[0].get("choices", [""])[0]

INTAKE_ANSWERS: dict[str, dict[str, str | list[str]]] = {
    Modality.PHYSIOTHERAPY: {
        "reason_for_visit": "Low back pain after lifting boxes at work.",
        "pain_now": "6",
        "goals": "Garden and play golf again without pain.",
        "allergies": "Penicillin - rash",
        "medications": "Ibuprofen 400 mg as needed",
        "occupation": "Warehouse supervisor",
        "referred_by": "My doctor",
    },
    Modality.MASSAGE: {
        "reason_for_visit": "Tight neck and shoulders from desk work.",
        "pain_now": "4",
        "goals": "Fewer tension headaches.",
        "occupation": "Accountant",
        "referred_by": "Friend or family",
    },
    Modality.FOOT_CARE: {
        "reason_for_visit": "Thick toenails and a corn on the left foot.",
        "pain_now": "3",
        "medications": "Metformin 500 mg twice daily",
        "referred_by": "My doctor",
    },
    Modality.OCCUPATIONAL: {
        "reason_for_visit": "Getting back to work after a wrist fracture.",
        "pain_now": "2",
        "goals": "Type and lift a full grocery bag.",
        "occupation": "Administrative assistant",
        "referred_by": "Insurance provider",
    },
    Modality.COUNSELLING: {
        "reason_for_visit": "Stress and poor sleep since a job change.",
        "goals": "Sleep through the night; feel calmer at work.",
        "referred_by": "Online search",
    },
    Modality.FAMILY: {
        "reason_for_visit": "New to the area; looking for a family doctor.",
        "medications": "Ramipril 5 mg daily",
        "referred_by": "Friend or family",
    },
}
HISTORY_ACCEPTED: dict[str, str | list[str]] = {
    "conditions": ["High blood pressure"],
    "surgeries": "Knee arthroscopy 2019",
    "medications": "Ramipril 5 mg daily",
    "allergies": "Sulfa drugs - hives",
    "family_history": "Father - heart disease",
    "smoking": "Former",
    "pregnant": "Not applicable",
}
HISTORY_PENDING: dict[str, str | list[str]] = {
    "conditions": ["Asthma", "Migraine"],
    "medications": "Salbutamol inhaler as needed",
    "allergies": "Latex - itchy skin\nShellfish - swelling",
    "smoking": "Never",
}


def signature_png(name: str) -> bytes:
    """A handwriting-like stroke for `name` on a transparent background:
    one loop per letter along a baseline, with a flourish under it."""
    width, height = 420, 120
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    letters = [c for c in name if c.isalpha()][:14] or ["x"]
    step = (width - 60) / len(letters)
    points: list[tuple[float, float]] = []
    for index, letter in enumerate(letters):
        tall = 26 if letter.isupper() or letter in "bdfhklt" else 14
        for t in range(12):
            angle = 2 * math.pi * t / 12
            x = 30 + index * step + step * (t / 12) + 5 * math.sin(angle)
            y = 70 - tall * (0.5 - 0.5 * math.cos(angle)) - (ord(letter) % 5)
            points.append((x, y))
    draw.line(points, fill=(18, 32, 80, 255), width=3, joint="curve")
    flourish = [
        (40 + t * (width - 90) / 20, 92 + 6 * math.sin(t / 3)) for t in range(21)
    ]
    draw.line(flourish, fill=(18, 32, 80, 255), width=2, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _posted(answers: Mapping[str, str | list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in answers.items():
        if isinstance(value, str):
            data[f"f-{name}"] = value
        else:
            data.setlist(f"f-{name}", value)
    return data


def _first_visits(
    clinic: Clinic, modality: str, count: int, today: dt.date, skip: set[object]
) -> list[tuple[Patient, Appointment]]:
    """The first `count` patients by name with a completed past visit of
    `modality` (other than `skip`), each with their first such visit."""
    found: dict[object, tuple[Patient, Appointment]] = {}
    visits = (
        Appointment.objects.filter(
            clinic=clinic,
            appointment_type__modality=modality,
            status=AttendanceStatus.COMPLETED,
            patient__isnull=False,
        )
        .select_related("patient", "location", "provider__membership__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    )
    for visit in visits.iterator():
        patient = visit.patient
        if patient is None or visit.patient_id in found or visit.patient_id in skip:
            continue
        if visit.start_at.astimezone(visit.location.tz).date() >= today:
            continue
        found[visit.patient_id] = (patient, visit)
        if len(found) == count:
            break
    return list(found.values())


def _actor(clinic: Clinic, membership: Membership | None) -> Actor:
    return Actor(
        clinic=clinic,
        user=membership.user if membership else None,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def _front_desk(clinic: Clinic) -> Membership | None:
    return (
        Membership.objects.filter(clinic=clinic, roles__key=FRONT_DESK, is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )


def seed_forms(clinic: Clinic, *, today: dt.date) -> None:
    """Signed consents and intake forms for a few patients of each modality,
    two health histories (one accepted into the chart, one pending)."""
    if FormSubmission.objects.filter(clinic=clinic).exists():
        return
    desk = _actor(clinic, _front_desk(clinic))
    chosen: set[object] = set()
    for modality in Modality.values:
        for number, (patient, visit) in enumerate(
            _first_visits(clinic, modality, PER_MODALITY, today, chosen)
        ):
            chosen.add(patient.pk)
            signed_at = visit.start_at - dt.timedelta(minutes=10)
            name = f"{patient.first_name} {patient.last_name}"
            signature = signature_png(name)
            for form, answers in (
                (CONSENT_TREATMENT, {"agreement": [AGREE]}),
                (CONSENT_PRIVACY, {"acknowledgement": [PRIVACY_ACK]}),
            ):
                submit_form(
                    actor=desk,
                    patient=patient,
                    form_key=form.key,
                    version=1,
                    data=_posted(answers),
                    signature_png=signature,
                    signer_name=name,
                    signer_relationship="self",
                    signed_at=signed_at,
                )
            submit_form(
                actor=desk,
                patient=patient,
                form_key=INTAKE.key,
                version=1,
                data=_posted(INTAKE_ANSWERS[modality]),
                signed_at=signed_at,
            )
            if modality == Modality.PHYSIOTHERAPY:
                _health_history(clinic, desk, visit, accepted=number == 0)


def _health_history(
    clinic: Clinic, desk: Actor, visit: Appointment, *, accepted: bool
) -> None:
    patient = visit.patient
    assert patient is not None  # filtered in _first_visits
    submission = submit_form(
        actor=desk,
        patient=patient,
        form_key=HEALTH_HISTORY.key,
        version=1,
        data=_posted(HISTORY_ACCEPTED if accepted else HISTORY_PENDING),
        signed_at=visit.start_at - dt.timedelta(minutes=8),
    )
    if not accepted:
        return
    provider = _actor(clinic, visit.provider.membership)
    decide_proposal(
        actor=provider,
        submission=submission,
        proposal_key="allergies:0",
        accept=True,
        values={
            "substance": "Sulfa drugs",
            "reaction": "Hives",
            "severity": "moderate",
        },
    )
    decide_proposal(
        actor=provider,
        submission=submission,
        proposal_key="family_history:0",
        accept=False,
    )
