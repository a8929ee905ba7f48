"""Reads for the work around a note's signature: the note a draft copies
forward from, unsigned notes and which are overdue under the clinic's
charting policy, notes awaiting a supervisor's co-signature, supervisions.

Each list costs a fixed number of queries whatever its length. Lists that
show patients' names write one view entry per read.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from practica.audit.services import record_view
from practica.charting.models import (
    ChartingPolicy,
    ClinicalNote,
    NoteCosignature,
    Supervision,
)
from practica.scheduling.models import Provider
from practica.tenancy.access import scoped_get_or_404
from practica.tenancy.permissions import CHART_SIGN, CHART_VIEW

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

# The model's default, for a clinic that never saved its charting policy.
DEFAULT_UNSIGNED_NOTE_DAYS = 3
DAY = datetime.timedelta(days=1)


def _visit_at() -> Coalesce:
    """When the note's visit took place (its creation for a note without one):
    the clock of an unsigned note starts at the visit, not at the first keystroke."""
    return Coalesce("appointment__start_at", "created_at")


def _overdue(cutoff: datetime.datetime) -> Q:
    return Q(appointment__start_at__lt=cutoff) | Q(
        appointment__isnull=True, created_at__lt=cutoff
    )


def _drafts(actor: Actor) -> QuerySet[ClinicalNote]:
    return ClinicalNote.objects.filter(
        clinic=actor.clinic, status=ClinicalNote.Status.DRAFT
    )


def get_charting_policy(*, actor: Actor) -> ChartingPolicy:
    """The clinic's policy, or an unsaved one holding the defaults (a GET
    never creates the row)."""
    policy = ChartingPolicy.objects.filter(clinic=actor.clinic).first()
    return policy if policy is not None else ChartingPolicy(clinic=actor.clinic)


def overdue_cutoff(*, days: int, now: datetime.datetime) -> datetime.datetime | None:
    """Drafts whose visit is before this moment are overdue; None when the
    clinic turned the flag off (0 days)."""
    return now - days * DAY if days > 0 else None


@dataclass(frozen=True)
class UnsignedNote:
    note: ClinicalNote
    visit_at: datetime.datetime
    is_overdue: bool
    days_old: int


def _unsigned(
    note: ClinicalNote,
    *,
    cutoff: datetime.datetime | None,
    now: datetime.datetime,
    visit_at: datetime.datetime | None = None,
) -> UnsignedNote:
    """`visit_at` defaults to the value the list queries annotate."""
    if visit_at is None:
        visit_at = note.visit_at  # type: ignore[attr-defined]  # annotated by the query
    return UnsignedNote(
        note=note,
        visit_at=visit_at,
        is_overdue=cutoff is not None and visit_at < cutoff,
        days_old=max((now - visit_at) // DAY, 0),
    )


@dataclass(frozen=True)
class UnsignedNotes:
    days: int
    notes: list[UnsignedNote]

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.notes if row.is_overdue)


def list_my_unsigned_notes(*, actor: Actor, now: datetime.datetime) -> UnsignedNotes:
    """The acting provider's drafts, oldest visit first, each flagged when
    older than the clinic's limit (two queries; one view entry if any)."""
    days = get_charting_policy(actor=actor).unsigned_note_days
    if actor.membership is None:
        return UnsignedNotes(days=days, notes=[])
    cutoff = overdue_cutoff(days=days, now=now)
    notes = (
        _drafts(actor)
        .filter(provider__membership=actor.membership)
        .annotate(visit_at=_visit_at())
        .select_related("patient", "template", "appointment__location")
        .order_by("visit_at", "pk")
    )
    rows = [_unsigned(note, cutoff=cutoff, now=now) for note in notes]
    if rows:
        record_view(
            actor=actor,
            obj=None,
            patient_id=None,
            detail=f"my unsigned notes {len(rows)}",
        )
    return UnsignedNotes(days=days, notes=rows)


@dataclass(frozen=True)
class ProviderCounts:
    provider_id: int
    name: str
    unsigned: int
    overdue: int
    awaiting_cosignature: int


@dataclass(frozen=True)
class OverdueReport:
    days: int
    providers: list[ProviderCounts]
    # The overdue notes themselves, for roles that may read charts; None for
    # the others (an administrator sees counts, never patients' notes).
    notes: list[UnsignedNote] | None

    @property
    def overdue_total(self) -> int:
        return sum(row.overdue for row in self.providers)


def get_overdue_report(*, actor: Actor, now: datetime.datetime) -> OverdueReport:
    """Every provider's unsigned, overdue and awaiting-co-signature counts,
    and (with chart.view) the overdue notes: at most four queries."""
    days = get_charting_policy(actor=actor).unsigned_note_days
    cutoff = overdue_cutoff(days=days, now=now)
    overdue_count = Count("pk", filter=_overdue(cutoff)) if cutoff else Value(0)
    drafts: dict[int, tuple[int, int]] = {
        row["provider_id"]: (row["unsigned"], row["overdue"])
        for row in _drafts(actor)
        .values("provider_id")
        .annotate(unsigned=Count("pk"), overdue=overdue_count)
        .order_by()
    }
    awaiting = {
        row["cosigner_id"]: row["count"]
        for row in ClinicalNote.objects.filter(
            clinic=actor.clinic,
            status=ClinicalNote.Status.SIGNED,
            cosigner__isnull=False,
            cosignature__isnull=True,
        )
        .values("cosigner_id")
        .annotate(count=Count("pk"))
        .order_by()
    }
    ids = set(drafts) | set(awaiting)
    providers = [
        ProviderCounts(
            provider_id=provider.pk,
            name=provider.display_name,
            unsigned=drafts.get(provider.pk, (0, 0))[0],
            overdue=drafts.get(provider.pk, (0, 0))[1],
            awaiting_cosignature=awaiting.get(provider.pk, 0),
        )
        for provider in Provider.objects.filter(clinic=actor.clinic, pk__in=ids)
    ]
    providers.sort(key=lambda row: (-row.overdue, -row.unsigned, row.name))
    notes: list[UnsignedNote] | None = None
    if actor.can(CHART_VIEW):
        notes = []
        if cutoff is not None:
            overdue_notes = (
                _drafts(actor)
                .filter(_overdue(cutoff))
                .annotate(visit_at=_visit_at())
                .select_related("patient", "provider", "template")
                .order_by("visit_at", "pk")
            )
            notes = [_unsigned(note, cutoff=cutoff, now=now) for note in overdue_notes]
        if notes:
            record_view(
                actor=actor,
                obj=None,
                patient_id=None,
                detail=f"overdue unsigned notes {len(notes)}",
            )
    return OverdueReport(days=days, providers=providers, notes=notes)


def list_patient_overdue_notes(
    *, actor: Actor, patient: Patient, now: datetime.datetime
) -> list[UnsignedNote]:
    """The patient's overdue drafts, for the chart banner, in one query (the
    clinic's limit comes along as a subquery). The page records the view."""
    limit = Coalesce(
        Subquery(
            ChartingPolicy.objects.filter(clinic=OuterRef("clinic")).values(
                "unsigned_note_days"
            )[:1]
        ),
        Value(DEFAULT_UNSIGNED_NOTE_DAYS),
    )
    notes = (
        _drafts(actor)
        .filter(patient=patient)
        .annotate(visit_at=_visit_at(), limit_days=limit)
        .select_related("provider")
        .order_by("visit_at", "pk")
    )
    rows = []
    for note in notes:
        days: int = note.limit_days
        row = _unsigned(note, cutoff=overdue_cutoff(days=days, now=now), now=now)
        if row.is_overdue:
            rows.append(row)
    return rows


def find_copy_source(*, actor: Actor, note: ClinicalNote) -> ClinicalNote | None:
    """The patient's most recent signed note of the draft's template key (any
    version) whose visit is not after the draft's: what copy forward copies."""
    visit_at = note.appointment.start_at if note.appointment else note.created_at
    return (
        ClinicalNote.objects.filter(
            clinic=actor.clinic,
            patient_id=note.patient_id,
            status=ClinicalNote.Status.SIGNED,
            template__key=note.template.key,
        )
        .exclude(pk=note.pk)
        .annotate(visit_at=_visit_at())
        .filter(visit_at__lte=visit_at)
        .select_related("template", "provider")
        .order_by("-visit_at", "-signed_at")
        .first()
    )


@dataclass(frozen=True)
class NoteSignatureState:
    """What the note page shows around the signature: overdue flag, the copy
    forward source, the co-signature awaited or given."""

    unsigned_days: int
    overdue: UnsignedNote | None
    copy_source: ClinicalNote | None
    cosigner: Provider | None
    cosignature: NoteCosignature | None
    can_cosign: bool

    @property
    def awaits_cosignature(self) -> bool:
        return self.cosigner is not None and self.cosignature is None


def get_note_signature_state(
    *, actor: Actor, note: ClinicalNote, can_edit: bool, now: datetime.datetime
) -> NoteSignatureState:
    """At most two queries: a draft reads the policy and (when editable) its
    copy source; a signed note its co-signer and co-signature."""
    days = DEFAULT_UNSIGNED_NOTE_DAYS
    overdue = None
    copy_source = None
    cosigner = None
    cosignature = None
    if not note.is_signed:
        days = get_charting_policy(actor=actor).unsigned_note_days
        cutoff = overdue_cutoff(days=days, now=now)
        visit_at = note.appointment.start_at if note.appointment else note.created_at
        row = _unsigned(note, cutoff=cutoff, now=now, visit_at=visit_at)
        overdue = row if row.is_overdue else None
        if can_edit:
            copy_source = find_copy_source(actor=actor, note=note)
    elif note.cosigner_id is not None:
        cosigner = Provider.objects.filter(
            clinic=actor.clinic, pk=note.cosigner_id
        ).first()
        cosignature = (
            NoteCosignature.objects.filter(clinic=actor.clinic, note=note)
            .select_related("signed_by", "supervisor")
            .first()
        )
    can_cosign = (
        cosigner is not None
        and cosignature is None
        and actor.can(CHART_SIGN)
        and actor.membership is not None
        and cosigner.membership_id == actor.membership.pk
    )
    return NoteSignatureState(
        unsigned_days=days,
        overdue=overdue,
        copy_source=copy_source,
        cosigner=cosigner,
        cosignature=cosignature,
        can_cosign=can_cosign,
    )


def list_awaiting_my_cosignature(*, actor: Actor) -> list[ClinicalNote]:
    """Signed notes naming the acting provider as co-signer and not yet
    co-signed, oldest signature first (one query; one view entry if any)."""
    if actor.membership is None:
        return []
    notes = list(
        ClinicalNote.objects.filter(
            clinic=actor.clinic,
            status=ClinicalNote.Status.SIGNED,
            cosigner__membership=actor.membership,
            cosignature__isnull=True,
        )
        .annotate(visit_at=_visit_at())
        .select_related("patient", "provider", "template", "signed_by")
        .order_by("signed_at", "pk")
    )
    if notes:
        record_view(
            actor=actor,
            obj=None,
            patient_id=None,
            detail=f"notes awaiting co-signature {len(notes)}",
        )
    return notes


def get_active_supervisor(*, actor: Actor) -> Provider | None:
    """The supervisor of the acting provider, when they are supervised."""
    if actor.membership is None:
        return None
    supervision = (
        Supervision.objects.filter(
            clinic=actor.clinic,
            supervisee__membership=actor.membership,
            ended_at__isnull=True,
        )
        .select_related("supervisor")
        .first()
    )
    return supervision.supervisor if supervision is not None else None


def list_supervisions(*, actor: Actor) -> list[Supervision]:
    """Active supervisions first, then ended ones, newest first."""
    return list(
        Supervision.objects.filter(clinic=actor.clinic)
        .select_related("supervisee", "supervisor")
        .order_by(F("ended_at").desc(nulls_first=True), "-created_at")
    )


def list_active_providers(*, actor: Actor) -> QuerySet[Provider]:
    return Provider.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        "display_name"
    )


def get_supervision_for_change(
    *, actor: Actor, supervision_id: uuid.UUID
) -> Supervision:
    return scoped_get_or_404(
        actor,
        Supervision.objects.select_related("supervisee", "supervisor"),
        pk=supervision_id,
    )
