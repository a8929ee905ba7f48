"""Demo documents: a GP's referral letter and an exercise sheet for a
physiotherapy patient, a lab report for another, and a photo-style PNG of a
foot for a foot care patient.

The PDFs are made with WeasyPrint from HTML, the PNG with Pillow, all with
synthetic text only; each is uploaded through `upload_document` by the
patient's provider, so it is sniffed, parsed, encrypted and audited like a
real upload. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import weasyprint
from PIL import Image, ImageDraw

from practica.documents.models import Document
from practica.documents.services import upload_document
from practica.patients.models import Patient
from practica.scheduling.models import Appointment, AttendanceStatus, Modality
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS

PAGE = """<html><head><style>
body {{ font-family: sans-serif; font-size: 11pt; margin: 2cm; }}
h1 {{ font-size: 15pt; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #999; padding: 4px 8px; text-align: left; }}
</style></head><body>{body}</body></html>"""


@dataclass(frozen=True)
class _Seed:
    category: str
    title: str
    file_name: str
    data: bytes


def _pdf(body: str) -> bytes:
    return bytes(weasyprint.HTML(string=PAGE.format(body=body)).write_pdf())


def _referral(patient: Patient, on: dt.date) -> bytes:
    return _pdf(
        f"<h1>Referral to physiotherapy</h1><p>{on:%d %B %Y}</p>"
        f"<p>Re: {patient.full_name}, born {patient.date_of_birth:%Y-%m-%d}</p>"
        "<p>Please assess and treat. Six weeks of low back pain after lifting, "
        "no red flags, no radicular signs. Imaging not indicated.</p>"
        "<p>Dr. A. Sample, Family Physician (synthetic demo letter)</p>"
    )


def _lab_report(patient: Patient, on: dt.date) -> bytes:
    rows = "".join(
        f"<tr><td>{test}</td><td>{value}</td><td>{unit}</td><td>{low}-{high}</td></tr>"
        for test, value, unit, low, high in (
            ("Hemoglobin A1c", "5.6", "%", "4.0", "5.9"),
            ("Ferritin", "18", "ug/L", "15", "200"),
            ("TSH", "2.1", "mIU/L", "0.4", "4.0"),
            ("Vitamin D (25-OH)", "62", "nmol/L", "50", "125"),
        )
    )
    return _pdf(
        f"<h1>Laboratory report</h1><p>Collected {on:%d %B %Y}</p>"
        f"<p>Patient: {patient.full_name}</p>"
        "<table><tr><th>Test</th><th>Result</th><th>Unit</th><th>Reference</th></tr>"
        f"{rows}</table><p>Synthetic demo laboratory.</p>"
    )


def _exercises() -> bytes:
    return _pdf(
        "<h1>Home exercise programme</h1><ol>"
        "<li>Pelvic tilts, 2 x 10, twice a day</li>"
        "<li>Knee to chest stretch, 3 x 30 seconds each side</li>"
        "<li>Bridging, 2 x 12, once a day</li></ol>"
    )


def _foot_png() -> bytes:
    image = Image.new("RGB", (320, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 20, 210, 220), outline="black", width=3)  # sole outline
    draw.ellipse((150, 60, 170, 80), fill="darkred")  # marked pressure area
    draw.text((10, 220), "Left foot, plantar view (demo)", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _patients(
    clinic: Clinic, modality: str, count: int, *, skip: frozenset[object] = frozenset()
) -> list[tuple[Patient, Membership]]:
    """The first `count` patients by name with a completed visit of
    `modality` (other than `skip`), each with the provider of their first
    such visit."""
    found: dict[object, tuple[Patient, Membership]] = {}
    visits = (
        Appointment.objects.filter(
            clinic=clinic,
            appointment_type__modality=modality,
            status=AttendanceStatus.COMPLETED,
            patient__isnull=False,
        )
        .select_related("patient", "provider__membership__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    )
    for visit in visits.iterator():
        membership = visit.provider.membership
        if (
            visit.patient_id in found
            or visit.patient_id in skip
            or visit.patient is None
            or membership is None
        ):
            continue
        found[visit.patient_id] = (visit.patient, membership)
        if len(found) == count:
            break
    return list(found.values())


def _actor(clinic: Clinic, membership: Membership) -> Actor:
    return Actor(
        clinic=clinic,
        user=membership.user,
        membership=membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def seed_documents(clinic: Clinic, *, today: dt.date) -> None:
    """Upload the demo files; a title already in the patient's chart is skipped."""
    physio = _patients(clinic, Modality.PHYSIOTHERAPY, 2)
    foot = _patients(
        clinic, Modality.FOOT_CARE, 1, skip=frozenset(p.pk for p, _ in physio)
    )
    plan: list[tuple[Patient, Membership, _Seed]] = []
    if physio:
        patient, provider = physio[0]
        plan += [
            (
                patient,
                provider,
                _Seed(
                    Document.Category.REFERRAL,
                    "GP referral, low back pain",
                    "referral-letter.pdf",
                    _referral(patient, today - dt.timedelta(days=40)),
                ),
            ),
            (
                patient,
                provider,
                _Seed(
                    Document.Category.OTHER,
                    "Home exercise programme",
                    "exercises.pdf",
                    _exercises(),
                ),
            ),
        ]
    if len(physio) > 1:
        patient, provider = physio[1]
        plan.append(
            (
                patient,
                provider,
                _Seed(
                    Document.Category.LAB_REPORT,
                    "Blood work",
                    "lab-report.pdf",
                    _lab_report(patient, today - dt.timedelta(days=12)),
                ),
            )
        )
    if foot:
        patient, provider = foot[0]
        plan.append(
            (
                patient,
                provider,
                _Seed(
                    Document.Category.IMAGING,
                    "Left foot, pressure area",
                    "IMG_2041.png",
                    _foot_png(),
                ),
            )
        )
    for patient, provider, seed in plan:
        if Document.objects.filter(
            clinic=clinic, patient=patient, title=seed.title
        ).exists():
            continue
        upload_document(
            actor=_actor(clinic, provider),
            patient=patient,
            category=seed.category,
            title=seed.title,
            file_name=seed.file_name,
            data=seed.data,
        )
