"""Searches: within one patient's chart, and across the clinic.

Both run a fixed number of queries whatever the number of matches: one per
source (plus, for the clinic, one that ranks the patients). Each records one
view entry per patient whose content it returns, naming the patient and
never the query text (it can itself be health information).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.db import connections, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from practica.audit.services import record_view
from practica.patients.models import Patient
from practica.patients.selectors import get_patient_for
from practica.search.sources import SOURCES, Hit, Source
from practica.search.terms import Terms

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

Sort = Literal["relevance", "date"]
PER_KIND = 20  # hits of one kind shown on a patient's search
HITS_PER_PATIENT = 3  # hits shown under each patient of the clinic search
PATIENT_DETAIL = "chart search"
CLINIC_DETAIL = "clinic search"


@dataclass(frozen=True)
class KindGroup:
    key: str
    label: str
    hits: list[Hit]
    has_more: bool


@dataclass(frozen=True)
class PatientSearch:
    patient: Patient
    groups: list[KindGroup]

    @property
    def count(self) -> int:
        return sum(len(g.hits) for g in self.groups)


@dataclass(frozen=True)
class PatientHits:
    patient: Patient
    match_count: int
    hits: list[Hit]


@dataclass(frozen=True)
class ClinicSearch:
    results: list[PatientHits]
    patient_count: int  # patients with a match, over every page
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.patient_count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _order(source: Source, sort: Sort) -> list[Any]:
    newest = F(source.date_field).desc()
    if sort == "date":
        return [newest, F("search_rank").desc(), F("pk").asc()]
    return [F("search_rank").desc(), newest, F("pk").asc()]


def get_patient_for_search(*, actor: Actor, patient_id: uuid.UUID) -> Patient:
    """The patient whose chart is searched; the page records one view entry
    (this call records none)."""
    return get_patient_for(actor=actor, patient_id=patient_id, record_access=False)


def search_patient(
    *, actor: Actor, patient: Patient, terms: Terms | None, sort: Sort = "relevance"
) -> PatientSearch:
    """The patient's matching records grouped by kind, at most PER_KIND of
    each; one query per source. Records one view entry for the patient
    (the page shows the patient's name even before a search)."""
    groups: list[KindGroup] = []
    if terms is not None:
        postgres = connections[Patient.objects.db].vendor == "postgresql"
        for source in SOURCES.values():
            rows = source.matching(actor, terms).filter(
                **{source.patient_id_path: patient.pk}
            )
            rows = source.with_snippets(rows, terms).order_by(*_order(source, sort))
            found = list(rows[: PER_KIND + 1])
            hits = [source.to_hit(r, terms, postgres=postgres) for r in found]
            if hits:
                groups.append(
                    KindGroup(
                        key=source.key,
                        label=source.label,
                        hits=hits[:PER_KIND],
                        has_more=len(hits) > PER_KIND,
                    )
                )
    record_view(actor=actor, obj=patient, patient_id=patient.pk, detail=PATIENT_DETAIL)
    return PatientSearch(patient=patient, groups=groups)


def _ranked_patients(
    actor: Actor, terms: Terms, *, sort: Sort, page: int, page_size: int
) -> tuple[list[tuple[uuid.UUID, int]], int]:
    """One page of (patient id, match count) and the number of patients with
    a match: one query over a UNION ALL of every source's (patient, date).

    Relevance across patients is the number of matching records (then the
    newest): the same on both databases, and it reads only the index and the
    rows, never re-parsing their text as `ts_rank` would for every match of
    the clinic."""
    database = Patient.objects.db
    arms: list[str] = []
    params: list[Any] = []
    for source in SOURCES.values():
        keys = source.keys(actor, terms)
        sql, arm_params = keys.query.get_compiler(using=database).as_sql()
        arms.append(sql)
        params.extend(arm_params)
    most, newest = "COUNT(*) DESC", "MAX(hit_at) DESC"
    order = f"{most}, {newest}" if sort == "relevance" else f"{newest}, {most}"
    # Only our own SQL is formatted in; every value is a placeholder.
    sql = (
        "SELECT hit_patient, COUNT(*), COUNT(*) OVER () "
        f"FROM ({' UNION ALL '.join(arms)}) AS matched "
        f"GROUP BY hit_patient ORDER BY {order}, hit_patient LIMIT %s OFFSET %s"
    )
    params.extend([page_size, (page - 1) * page_size])
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ranked = [(_as_uuid(pid), int(matches)) for pid, matches, _ in rows]
    return ranked, int(rows[0][2]) if rows else 0


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def search_clinic(
    *, actor: Actor, terms: Terms, sort: Sort, page: int, page_size: int
) -> ClinicSearch:
    """Patients of the clinic with a match, PAGE_SIZE per page, each with
    their best HITS_PER_PATIENT hits. One ranking query, then one query per
    source for the page's patients, then one view entry per patient shown."""
    ranked, total = _ranked_patients(
        actor, terms, sort=sort, page=page, page_size=page_size
    )
    if not ranked:
        return ClinicSearch(
            results=[], patient_count=total, page=page, page_size=page_size
        )
    patient_ids = [pid for pid, _ in ranked]
    postgres = connections[Patient.objects.db].vendor == "postgresql"
    hits: dict[uuid.UUID, list[Hit]] = {pid: [] for pid in patient_ids}
    patients: dict[uuid.UUID, Patient] = {}
    for source in SOURCES.values():
        top = (
            source.matching(actor, terms)
            .filter(**{f"{source.patient_id_path}__in": patient_ids})
            .annotate(
                search_row=Window(
                    RowNumber(),
                    partition_by=F(source.patient_id_path),
                    order_by=_order(source, sort),
                )
            )
            .filter(search_row__lte=HITS_PER_PATIENT)
        )
        rows = source.with_snippets(top, terms).select_related(source.patient_path)
        for row in rows:
            hit = source.to_hit(row, terms, postgres=postgres)
            hits[hit.patient_id].append(hit)
            patients.setdefault(hit.patient_id, _patient_of(row, source))
    key = (
        (lambda h: (h.rank, h.at))
        if sort == "relevance"
        else (lambda h: (h.at, h.rank))
    )
    results = []
    for pid, matches in ranked:
        shown = sorted(hits[pid], key=key, reverse=True)[:HITS_PER_PATIENT]
        results.append(
            PatientHits(patient=patients[pid], match_count=matches, hits=shown)
        )
    with transaction.atomic():  # one commit for the page's entries
        for result in results:
            record_view(
                actor=actor,
                obj=result.patient,
                patient_id=result.patient.pk,
                detail=CLINIC_DETAIL,
            )
    return ClinicSearch(
        results=results, patient_count=total, page=page, page_size=page_size
    )


def _patient_of(row: Any, source: Source) -> Patient:
    target: Any = row
    for step in source.patient_path.split("__"):
        target = getattr(target, step)
    assert isinstance(target, Patient)
    return target
