"""Demo supervision, co-signature and unsigned notes.

The clinic's second physiotherapist works under a provisional licence,
supervised by the first. Over the last three weeks, slots freed by
cancellations were filled with returning patients of the supervised
physiotherapist: three of those visits have signed notes (two awaiting the
supervisor's co-signature, one co-signed with a comment), two have drafts
left unsigned past the clinic's limit (3 days); the supervisor has an
overdue draft and one of their latest freed slot. Each draft holds only the
subjective part, so copy forward has fields to fill.

Everything goes through the services (booking, status, note, sign, co-sign),
so the rows are audited and the co-signer is named by the signing rule
itself. Running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from practica.charting.models import ClinicalNote, NoteTemplate, Supervision
from practica.charting.services import save_draft, sign_note, start_note
from practica.charting.services_cosign import cosign_note, start_supervision
from practica.demo.notes import note_content
from practica.scheduling.errors import SchedulingError
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    Modality,
    Provider,
)
from practica.scheduling.services import book_appointment, set_status
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic
from practica.tenancy.permissions import ALL_PERMISSIONS

SEED = 4_2026
# Marks the visits this seeder books (and makes a second run add nothing).
FILLED_SLOT = "Filled a cancelled slot."
WINDOW_DAYS = 21
GAP_DAYS = 2  # a returning patient was last seen at least this long before
COSIGN_COMMENT = (
    "Reviewed with the treating physiotherapist. Agree with the assessment; "
    "progress the loading program next visit."
)


@dataclass(frozen=True)
class _Plan:
    """What to leave on one new visit: a signed note (awaiting co-signature or
    co-signed) or a draft, `days_ago` days before today at the earliest."""

    kind: str  # "cosigned" | "awaiting" | "draft"
    min_days_ago: int


SUPERVISEE_PLANS = (
    _Plan("cosigned", 8),
    _Plan("awaiting", 4),
    _Plan("awaiting", 2),
    _Plan("draft", 6),
    _Plan("draft", 4),
)
SUPERVISOR_PLANS = (_Plan("draft", 5), _Plan("draft", 0))


def _actor(clinic: Clinic, provider: Provider) -> Actor:
    return Actor(
        clinic=clinic,
        user=provider.membership.user,
        membership=provider.membership,
        permissions=frozenset(ALL_PERMISSIONS),
    )


def _freed_slots(
    clinic: Clinic, provider: Provider, *, today: dt.date
) -> list[Appointment]:
    """The provider's past cancelled or no-show visits of the last three weeks,
    newest first: times the provider was free to see someone else."""
    since = today - dt.timedelta(days=WINDOW_DAYS)
    return list(
        Appointment.objects.filter(
            clinic=clinic,
            provider=provider,
            status__in=Appointment.RELEASING,
            patient__isnull=False,
            is_group=False,
            end_at__lt=timezone.now(),
        )
        .select_related("location", "appointment_type")
        .order_by("-start_at")
        .filter(start_at__date__gte=since)
    )


def _returning_patients(
    clinic: Clinic, provider: Provider
) -> dict[object, list[ClinicalNote]]:
    """Each patient's signed notes with the provider, newest visit first; the
    patients seen most recently first."""
    notes: dict[object, list[ClinicalNote]] = {}
    for note in (
        ClinicalNote.objects.filter(
            clinic=clinic,
            provider=provider,
            status=ClinicalNote.Status.SIGNED,
            appointment__isnull=False,
        )
        .select_related("patient", "template", "appointment__appointment_type")
        .order_by("-appointment__start_at")
    ):
        notes.setdefault(note.patient_id, []).append(note)
    return notes


def _local_date(visit: Appointment) -> dt.date:
    return visit.start_at.astimezone(visit.location.tz).date()


def _subjective(
    template: NoteTemplate, rng: random.Random, *, case_seed: str
) -> dict[str, object]:
    content = note_content(template.fields, rng, case_seed=case_seed)
    return {
        f["name"]: content[f["name"]]
        for f in template.fields
        if f["section"] == "S" and f["name"] in content
    }


def _visit_at(note: ClinicalNote) -> dt.datetime:
    return note.appointment.start_at if note.appointment else note.created_at


def _visit_type(slot: Appointment, last: ClinicalNote) -> AppointmentType:
    """A returning patient's visit: the type of their last visit, unless that
    (or the slot's type) is for new patients only."""
    new = AppointmentType.PatientKind.NEW
    previous = last.appointment.appointment_type if last.appointment else None
    if previous is not None and previous.patient_kind != new and previous.is_active:
        return previous
    return slot.appointment_type


def _book(
    actor: Actor,
    provider: Provider,
    plan: _Plan,
    *,
    patients: dict[object, list[ClinicalNote]],
    slots: list[Appointment],
    today: dt.date,
) -> tuple[Appointment, ClinicalNote] | None:
    """Book a returning patient, seen at least GAP_DAYS before, into the
    newest freed slot old enough for the plan; both are used up. Returns the
    visit and the patient's last note before it."""
    for slot in list(slots):
        if (today - _local_date(slot)).days < plan.min_days_ago:
            continue
        seen_before = slot.start_at - dt.timedelta(days=GAP_DAYS)
        last = next(
            (
                note
                for notes in patients.values()
                for note in notes
                if _visit_at(note) < seen_before
            ),
            None,
        )
        if last is None:
            continue
        slots.remove(slot)
        try:
            visit = book_appointment(
                actor=actor,
                patient=last.patient,
                provider=provider,
                location=slot.location,
                appointment_type=_visit_type(slot, last),
                start_at=slot.start_at,
                allow_outside_hours=True,
                front_desk_note=FILLED_SLOT,
            )
        except SchedulingError:
            continue  # the room or the time was taken meanwhile
        del patients[last.patient_id]
        return visit, last
    return None


def _leave_visits(
    clinic: Clinic,
    provider: Provider,
    plans: tuple[_Plan, ...],
    *,
    today: dt.date,
    supervisor: Provider | None,
    rng: random.Random,
) -> None:
    actor = _actor(clinic, provider)
    patients = _returning_patients(clinic, provider)
    slots = _freed_slots(clinic, provider, today=today)
    for plan in plans:
        booked = _book(
            actor, provider, plan, patients=patients, slots=slots, today=today
        )
        if booked is None:
            continue
        visit, last = booked
        set_status(actor=actor, appointment=visit, status=Appointment.Status.ARRIVED)
        note = start_note(actor=actor, appointment=visit, template=last.template)
        case_seed = f"{visit.patient_id}:{last.template.modality}"
        if plan.kind == "draft":
            save_draft(
                actor=actor,
                note=note,
                content=_subjective(last.template, rng, case_seed=case_seed),
            )
            set_status(
                actor=actor, appointment=visit, status=Appointment.Status.COMPLETED
            )
            continue
        save_draft(
            actor=actor,
            note=note,
            content=note_content(last.template.fields, rng, case_seed=case_seed),
        )
        signed = sign_note(actor=actor, note=note)
        if plan.kind == "cosigned" and supervisor is not None:
            cosign_note(
                actor=_actor(clinic, supervisor), note=signed, comment=COSIGN_COMMENT
            )


def _physiotherapists(clinic: Clinic) -> list[Provider]:
    return list(
        Provider.objects.filter(
            clinic=clinic, modality=Modality.PHYSIOTHERAPY, is_active=True
        )
        .select_related("membership__user")
        .order_by("pk")[:2]
    )


def seed_cosign(clinic: Clinic, *, today: dt.date) -> None:
    """Supervise the second physiotherapist and leave notes awaiting
    co-signature, one co-signed and drafts past the limit."""
    physios = _physiotherapists(clinic)
    if len(physios) < 2:
        return
    supervisor, supervisee = physios
    if Appointment.objects.filter(
        clinic=clinic, provider__in=physios, front_desk_note=FILLED_SLOT
    ).exists():
        return
    rng = random.Random(SEED)
    with transaction.atomic():
        if not Supervision.objects.filter(
            clinic=clinic, supervisee=supervisee, ended_at__isnull=True
        ).exists():
            start_supervision(
                actor=Actor.system(clinic, frozenset(ALL_PERMISSIONS)),
                supervisee=supervisee,
                supervisor=supervisor,
                kind=Supervision.Kind.PROVISIONAL,
            )
        _leave_visits(
            clinic,
            supervisee,
            SUPERVISEE_PLANS,
            today=today,
            supervisor=supervisor,
            rng=rng,
        )
        _leave_visits(
            clinic, supervisor, SUPERVISOR_PLANS, today=today, supervisor=None, rng=rng
        )
