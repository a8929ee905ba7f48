"""Reads of patients: access by id, lists, search and duplicate detection.

Search runs as one query on both databases: name tokens match through
`PatientSearchKey` (one typo tolerated) or as a prefix of the name keys; a
phone matches on its trailing digits, an email on its start, a date of birth
exactly.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery
from django.db.models.sql.compiler import SQLCompiler

from practica.audit.services import record_view
from practica.patients.models import Patient, PatientSearchKey
from practica.patients.search import (
    MIN_FUZZY_LENGTH,
    name_key,
    normalise,
    token_keys,
    tokens,
)
from practica.tenancy.access import scoped_get_or_404

if TYPE_CHECKING:
    from practica.tenancy.actor import Actor

SqlAndParams = tuple[str, tuple[str | int, ...]]  # as django-stubs types it
SEARCH_ORDER = ("last_name_key", "first_name_key", "id")
MIN_PHONE_DIGITS = 7
MAX_QUERY_TOKENS = 6
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_PHONE_TEXT = re.compile(r"^[\d\s().+-]+$")


def get_patient_for(
    *, actor: Actor, patient_id: uuid.UUID, record_access: bool = True
) -> Patient:
    """The patient of the actor's clinic (404 and a denied entry otherwise).

    A page showing the patient records one view entry; a POST that only
    changes the patient passes `record_access=False` (the service records it).
    """
    patient = scoped_get_or_404(actor, Patient.objects.all(), pk=patient_id)
    if record_access:
        record_view(actor=actor, obj=patient, patient_id=patient.id)
    return patient


def list_patients(*, actor: Actor) -> QuerySet[Patient]:
    """Active patients of the actor's clinic, by last then first name."""
    return Patient.objects.filter(clinic=actor.clinic, is_active=True).order_by(
        *SEARCH_ORDER
    )


def _dates_in(query: str) -> list[datetime.date] | None:
    """Dates a query may mean, or None when it is not a date.

    DD/MM/YYYY and MM/DD/YYYY are told apart when one part is above 12; when
    both readings are possible, both dates are searched.
    """
    candidates: list[tuple[int, int, int]] = []
    if match := _ISO_DATE.match(query):
        year, month, day = (int(g) for g in match.groups())
        candidates.append((year, month, day))
    elif match := _SLASH_DATE.match(query):
        first, second, year = (int(g) for g in match.groups())
        candidates.extend([(year, second, first), (year, first, second)])
    else:
        return None
    dates = []
    for year, month, day in candidates:
        try:
            dates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    return sorted(set(dates))


class _IdIn(Func):
    """`id IN (ids)`, written `id = ANY(ARRAY(ids))` on PostgreSQL.

    With `IN`, PostgreSQL estimates the set from its parts (every patient with
    a key one letter away from a common first name: thousands of rows) and
    reads the whole patient table to join it. An array computed first is
    estimated at a handful of ids, so the patients are fetched by primary key.
    """

    arity = 2
    output_field = BooleanField()

    def __init__(self, ids: QuerySet[Any, Any]) -> None:
        super().__init__(F("id"), Subquery(ids))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> SqlAndParams:
        return self._compile(compiler, "{column} IN {ids}")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> SqlAndParams:
        return self._compile(compiler, "{column} = ANY(ARRAY{ids})")

    def _compile(self, compiler: SQLCompiler, template: str) -> SqlAndParams:
        column, ids = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        ids_sql, ids_params = compiler.compile(ids)  # "(SELECT ...)"
        sql = template.format(column=column_sql, ids=ids_sql)
        return sql, (*column_params, *ids_params)


def _token_matches(clinic_id: int, token: str) -> QuerySet[Any, Any]:
    """Ids of the patients a name token matches: one of their search keys is
    at most one edit away, or a name key starts with it."""
    keyed = PatientSearchKey.objects.filter(
        clinic_id=clinic_id, key__in=sorted(token_keys(token))
    ).values_list("patient_id", flat=True)
    patients = Patient.objects.filter(clinic_id=clinic_id).order_by()
    by_last = patients.filter(last_name_key__startswith=token).values_list("id")
    by_first = patients.filter(first_name_key__startswith=token).values_list("id")
    return keyed.union(by_last, by_first)


def _name_filter(clinic_id: int, query_tokens: list[str]) -> Q:
    """Patients every token matches.

    A token of `MIN_FUZZY_LENGTH` letters or more matches few patients: the id
    sets of such tokens are read through indexes (search keys, and the name
    keys' pattern indexes for prefixes), intersected, and the patients left
    fetched by id. A shorter token ("j", "li", typed first in the search box)
    matches a large share of the clinic by prefix: it is checked on the rows
    read instead, and a query of short tokens only reads patients in name
    order until the page is full.
    """
    selective = [t for t in query_tokens if len(t) >= MIN_FUZZY_LENGTH]
    condition = Q()
    if selective:
        ids = _token_matches(clinic_id, selective[0])
        for token in selective[1:]:
            ids = ids.intersection(_token_matches(clinic_id, token))
        condition &= Q(_IdIn(ids))
    for token in query_tokens:
        if len(token) >= MIN_FUZZY_LENGTH:
            continue
        keyed = PatientSearchKey.objects.filter(
            clinic_id=clinic_id, key__in=sorted(token_keys(token))
        ).values("patient_id")
        condition &= (
            Q(id__in=keyed)
            | Q(last_name_key__startswith=token)
            | Q(first_name_key__startswith=token)
        )
    return condition


def search_filter(*, clinic_id: int, query: str) -> Q | None:
    """The filter for a search query, or None when it can match nothing."""
    query = query.strip()
    if not query:
        return None
    if "@" in query:
        return Q(email__istartswith=query.lower())
    dates = _dates_in(query)
    if dates is not None:
        return Q(date_of_birth__in=dates) if dates else None
    if _PHONE_TEXT.match(query):
        digits = re.sub(r"\D", "", query)
        if len(digits) >= MIN_PHONE_DIGITS:
            return Q(phone__endswith=digits)
    query_tokens = tokens(query)[:MAX_QUERY_TOKENS]
    if not query_tokens:
        # A name with no Latin letters or digits: match the start of a key.
        key = normalise(query)
        return Q(last_name_key__startswith=key) | Q(first_name_key__startswith=key)
    return _name_filter(clinic_id, query_tokens)


def search_patients(*, actor: Actor, query: str, limit: int = 25) -> list[Patient]:
    """Active patients matching a name, phone, email or date of birth (1 query)."""
    condition = search_filter(clinic_id=actor.clinic.pk, query=query)
    if condition is None:
        return []
    return list(
        Patient.objects.filter(condition, clinic=actor.clinic, is_active=True).order_by(
            *SEARCH_ORDER
        )[:limit]
    )


def find_likely_duplicates(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    phone: str,
    exclude_id: uuid.UUID | None = None,
    limit: int = 10,
) -> list[Patient]:
    """Patients with the same name and date of birth, or the same phone."""
    condition = Q(pk__in=[])
    if date_of_birth is not None and first_name.strip() and last_name.strip():
        condition |= Q(
            first_name_key=name_key(first_name),
            last_name_key=name_key(last_name),
            date_of_birth=date_of_birth,
        )
    if phone:
        condition |= Q(phone=phone)
    patients = Patient.objects.filter(condition, clinic=actor.clinic)
    if exclude_id is not None:
        patients = patients.exclude(pk=exclude_id)
    return list(patients.order_by(*SEARCH_ORDER)[:limit])
