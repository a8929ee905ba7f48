"""Read-only views across apps. `reports` may read every app's models (STYLE.md)."""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from practica.audit.services import record_view
from practica.billing.models import Invoice, Payment
from practica.charting.models import ClinicalNote
from practica.patients.models import Patient
from practica.scheduling.models import Appointment
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.models import Location
from practica.tenancy.permissions import BILLING_VIEW, CHART_VIEW, SCHEDULE_VIEW

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # appointment | note | invoice | payment
    title: str
    detail: str
    status: str
    url: str
    tz: str
    amount: Decimal | None = None

    @property
    def local_label(self) -> str:
        """The time in the record's location, formatted once here rather than by
        a time-zone block and date filter per line in the template."""
        return self.at.astimezone(_zone(self.tz)).strftime("%Y-%m-%d %H:%M")

    @property
    def iso(self) -> str:
        return self.at.isoformat()


@dataclass(frozen=True)
class Timeline:
    patient: Patient
    items: list[TimelineItem]


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _clinic_timezone(actor: Actor) -> str:
    location = Location.objects.for_clinic(actor.clinic).order_by("name").first()
    return location.timezone if location else "UTC"


def patient_timeline(*, actor: Actor, patient_id: uuid.UUID) -> Timeline:
    """The patient's journey, oldest first, limited to what the actor's role may see.

    Four queries whatever the length of the history (one per kind of record).
    Each reads only the columns the timeline shows: notes and their templates
    carry large JSON documents, and building whole rows was the main cost.
    """
    patient = scoped_get_or_404(actor, Patient.objects.all(), pk=patient_id)
    default_tz = _clinic_timezone(actor)
    items: list[TimelineItem] = []
    if actor.can(SCHEDULE_VIEW):
        appointments = (
            Appointment.objects.for_clinic(actor.clinic)
            .filter(patient=patient)
            .select_related("provider", "appointment_type", "location")
            .only(
                "start_at",
                "status",
                "appointment_type__name",
                "provider__display_name",
                "location__name",
                "location__timezone",
            )
        )
        items += [
            TimelineItem(
                at=a.start_at,
                kind="appointment",
                title=a.appointment_type.name,
                detail=f"{a.provider.display_name} · {a.location.name}",
                status=a.get_status_display(),
                url=f"/schedule/appointments/{a.pk}/",
                tz=a.location.timezone,
            )
            for a in appointments
        ]
    if actor.can(CHART_VIEW):
        notes = (
            ClinicalNote.objects.for_clinic(actor.clinic)
            .filter(patient=patient)
            .select_related("template", "provider", "appointment__location")
            .only(
                "signed_at",
                "created_at",
                "status",
                "template__name",
                "provider__display_name",
                "appointment__location__timezone",
            )
        )
        items += [
            TimelineItem(
                at=n.signed_at or n.created_at,
                kind="note",
                title=n.template.name,
                detail=n.provider.display_name,
                status=n.get_status_display(),
                url=f"/charting/notes/{n.pk}/",
                tz=n.appointment.location.timezone if n.appointment else default_tz,
            )
            for n in notes
        ]
    if actor.can(BILLING_VIEW):
        invoices = (
            Invoice.objects.for_clinic(actor.clinic)
            .filter(patient=patient)
            .select_related("location")
            .only(
                "created_at",
                "number",
                "kind",
                "issued_on",
                "status",
                "total",
                "location__timezone",
            )
        )
        items += [
            TimelineItem(
                at=i.created_at,
                kind="invoice",
                title=(
                    f"Invoice #{i.number}"
                    if i.kind == Invoice.Kind.SERVICE
                    else f"Invoice #{i.number} ({i.get_kind_display().lower()})"
                ),
                detail=i.issued_on.isoformat(),
                status=i.get_status_display(),
                url=f"/billing/invoices/{i.pk}/",
                tz=i.location.timezone,
                amount=i.total,
            )
            for i in invoices
        ]
        payments = (
            Payment.objects.for_clinic(actor.clinic)
            .filter(patient=patient)
            .select_related("invoice__location")
            .only(
                "received_at",
                "method",
                "reference",
                "amount",
                "invoice__location__timezone",
            )
        )
        items += [
            TimelineItem(
                at=p.received_at,
                kind="payment",
                title=f"Payment ({p.get_method_display()})",
                detail=p.reference,
                status="Received",
                url=f"/billing/invoices/{p.invoice_id}/",
                tz=p.invoice.location.timezone,
                amount=p.amount,
            )
            for p in payments
        ]
    items.sort(key=lambda item: item.at)
    record_view(actor=actor, obj=patient, patient_id=patient.pk, detail="timeline")
    return Timeline(patient=patient, items=items)
