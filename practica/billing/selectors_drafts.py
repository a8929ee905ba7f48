"""Reads for drafts and for invoicing visits: a draft with its lines, a
patient's visits not yet invoiced, a day's uninvoiced visits by patient.

"Uninvoiced": completed, one patient's (not a class as a whole), and on no
live invoice, neither as a line nor as the invoice's own visit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from practica.audit.services import record_view
from practica.billing.models import Invoice, InvoiceLine
from practica.patients.models import Patient
from practica.scheduling.models import Appointment
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.actor import Actor
from practica.tenancy.models import Location


@dataclass(frozen=True)
class DraftDetail:
    invoice: Invoice
    lines: list[InvoiceLine]


def _draft_queryset() -> QuerySet[Invoice]:
    return Invoice.objects.filter(status=Invoice.Status.DRAFT).select_related(
        "patient", "location"
    )


def get_draft_for(*, actor: Actor, invoice_id: uuid.UUID) -> DraftDetail:
    """A draft with its lines (404 for an issued invoice); a view is audited."""
    invoice = scoped_get_or_404(actor, _draft_queryset(), pk=invoice_id)
    record_view(actor=actor, obj=invoice, patient_id=invoice.patient_id)
    return DraftDetail(invoice=invoice, lines=_lines(invoice))


def get_draft_for_update(*, actor: Actor, invoice_id: uuid.UUID) -> Invoice:
    """The draft a POST acts on; the service's change entry is its audit."""
    return scoped_get_or_404(actor, _draft_queryset(), pk=invoice_id)


def reload_draft(*, actor: Actor, invoice: Invoice) -> DraftDetail:
    """The draft as it is now, after a change (no view entry: the change was
    audited)."""
    fresh = scoped_get_or_404(actor, _draft_queryset(), pk=invoice.pk)
    return DraftDetail(invoice=fresh, lines=_lines(fresh))


def _lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        InvoiceLine.objects.filter(clinic_id=invoice.clinic_id, invoice=invoice)
        .select_related("item", "appointment")
        .prefetch_related("taxes")
        .order_by("pk")
    )


def get_line_for_update(*, actor: Actor, line_id: int) -> InvoiceLine:
    return scoped_get_or_404(
        actor, InvoiceLine.objects.select_related("invoice__location"), pk=line_id
    )


def _uninvoiced(actor: Actor) -> QuerySet[Appointment]:
    live = ~Q(invoice__status=Invoice.Status.VOID)
    on_line = InvoiceLine.objects.filter(live, appointment=OuterRef("pk"))
    own = Invoice.objects.filter(
        ~Q(status=Invoice.Status.VOID),
        appointment=OuterRef("pk"),
        kind=Invoice.Kind.SERVICE,
    )
    return (
        Appointment.objects.filter(
            clinic=actor.clinic,
            status=Appointment.Status.COMPLETED,
            patient__isnull=False,
        )
        .exclude(Exists(on_line))
        .exclude(Exists(own))
        .select_related("appointment_type", "provider", "location")
    )


def list_uninvoiced_visits(*, actor: Actor, patient: Patient) -> list[Appointment]:
    """The patient's completed visits on no live invoice, oldest first."""
    return list(_uninvoiced(actor).filter(patient=patient).order_by("start_at"))


def get_visits_for_update(
    *, actor: Actor, appointment_ids: Sequence[uuid.UUID]
) -> list[Appointment]:
    """The ticked visits of the actor's clinic (others are left out, never
    fetched)."""
    return list(
        Appointment.objects.filter(clinic=actor.clinic, pk__in=appointment_ids)
        .select_related("patient", "location", "appointment_type", "provider")
        .order_by("start_at")
    )


@dataclass(frozen=True)
class PatientVisits:
    patient: Patient
    visits: list[Appointment]


def day_bounds(location: Location, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=location.tz)
    return start, start + dt.timedelta(days=1)


def list_batch_visits(*, actor: Actor, day: dt.date) -> list[PatientVisits]:
    """The day's completed, uninvoiced visits, grouped by patient. The day is
    each location's own calendar day (its time zone). Two queries: the
    locations, then the visits with their patients."""
    window = Q(pk__in=[])
    for location in list_locations(actor=actor):
        start, end = day_bounds(location, day)
        window |= Q(location=location, start_at__gte=start, start_at__lt=end)
    visits = (
        _uninvoiced(actor)
        .filter(window)
        .select_related("patient")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "start_at")
    )
    groups: dict[uuid.UUID, PatientVisits] = {}
    for visit in visits:
        patient = visit.patient
        assert patient is not None  # filtered above
        groups.setdefault(patient.pk, PatientVisits(patient=patient, visits=[]))
        groups[patient.pk].visits.append(visit)
    return list(groups.values())


def list_locations(*, actor: Actor) -> QuerySet[Location]:
    return Location.objects.filter(clinic=actor.clinic).order_by("name")
