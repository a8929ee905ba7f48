"""Reads of the clinic's procedure code lists: the list page, the pickers'
search, the counts per system and the recent loads. Every query is scoped to
the actor's clinic; another clinic's list is never visible."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from practica.billing.code_files import normalise_code
from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.tenancy.models import Location

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

SEARCH_DEFAULT_LIMIT = 20
SEARCH_MAX_LIMIT = 50
RECENT_LOADS = 5


class CodeStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ALL = "all"


@dataclass(frozen=True)
class SystemCount:
    system: str
    label: str
    active: int
    inactive: int


def _matching(query: str) -> Q:
    """A code starting with the query (case and spaces ignored), or a
    description holding every word of it."""
    words = query.split()
    if not words:
        return Q()
    by_words = Q()
    for word in words:
        by_words &= Q(short_description__icontains=word) | Q(
            long_description__icontains=word
        )
    key = normalise_code("".join(words))
    return Q(code__startswith=key) | by_words


def list_procedure_codes(
    *,
    actor: Actor,
    system: str = "",
    query: str = "",
    status: str = CodeStatus.ACTIVE,
) -> QuerySet[ProcedureCode]:
    """The clinic's codes, by system then code; one query per page."""
    codes = ProcedureCode.objects.filter(clinic=actor.clinic)
    if system:
        codes = codes.filter(system=system)
    if status == CodeStatus.ACTIVE:
        codes = codes.filter(is_active=True)
    elif status == CodeStatus.INACTIVE:
        codes = codes.filter(is_active=False)
    return codes.filter(_matching(query)).order_by("system", "code")


def search_procedure_codes(
    *,
    actor: Actor,
    query: str,
    system: str = "",
    limit: int = SEARCH_DEFAULT_LIMIT,
) -> list[ProcedureCode]:
    """Active codes for a picker, in one query: codes starting with the query
    first (in code order), then descriptions holding every query word."""
    if not query.strip():
        return []
    limit = max(1, min(limit, SEARCH_MAX_LIMIT))
    key = normalise_code("".join(query.split()))
    codes = ProcedureCode.objects.filter(clinic=actor.clinic, is_active=True)
    if system:
        codes = codes.filter(system=system)
    ranked = codes.filter(_matching(query)).annotate(
        rank=Case(
            When(code__startswith=key, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return list(ranked.order_by("rank", "system", "code")[:limit])


def count_procedure_codes(*, actor: Actor) -> list[SystemCount]:
    """Active and inactive codes per system, every system listed, one query."""
    totals: dict[str, tuple[int, int]] = {
        row["system"]: (row["active"], row["inactive"])
        for row in ProcedureCode.objects.filter(clinic=actor.clinic)
        .values("system")
        .annotate(
            active=Count("id", filter=Q(is_active=True)),
            inactive=Count("id", filter=Q(is_active=False)),
        )
        .order_by()
    }
    return [
        SystemCount(
            system=value,
            label=label,
            active=totals.get(value, (0, 0))[0],
            inactive=totals.get(value, (0, 0))[1],
        )
        for value, label in ProcedureCode.System.choices
    ]


def list_code_loads(
    *, actor: Actor, limit: int = RECENT_LOADS
) -> list[ProcedureCodeLoad]:
    """The clinic's latest loads, newest first, with who loaded them."""
    return list(
        ProcedureCodeLoad.objects.filter(clinic=actor.clinic)
        .select_related("loaded_by__user")
        .order_by("-created_at", "-id")[:limit]
    )


def get_display_zone(*, actor: Actor) -> zoneinfo.ZoneInfo:
    """The zone load times are shown in: a code list belongs to no location,
    so the clinic's first location's (one query)."""
    name = (
        Location.objects.filter(clinic=actor.clinic)
        .order_by("created_at", "pk")
        .values_list("timezone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(name or str(settings.TIME_ZONE))
