"""What search looks in: one `Source` per kind of record, in a registry.

A source names its table's clinic-scoped, searchable rows (never entered in
error), the text searched and how a matching row is shown. Search reads the
source tables directly (read only, like `reports`): no hook in another app's
write path.

PostgreSQL: `vector()` is exactly the expression of the GIN index that
the search migrations build on the source table, so the planner can use the
index. It calls `search_text_tsv` / `search_json_tsv` (migration 0002):
`to_tsvector('english', …)` with an honest planner cost. The query is
`websearch_to_tsquery('english', …)`; hits within a patient are ranked with
`ts_rank`, snippets come from `ts_headline`. SQLite: every word of the query
must appear (case-insensitive for ASCII, no stemming), hits within a patient
are ranked by date and snippets are cut in Python.

To add a source (lab results, plans, form submissions): subclass `Source`,
add its index to a new search migration, and `register()` it below.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils.safestring import SafeString

from practica.charting.models import (
    ENTERED_IN_ERROR,
    ClinicalNote,
    Medication,
    NoteAddendum,
    Problem,
)
from practica.documents.models import Document
from practica.search import snippets
from practica.search.terms import Terms
from practica.tenancy.actor import Actor

# Django's lookups concatenate params as lists (django-stubs says tuples).
SqlAndParams = tuple[str, list[Any]]
CONFIG = "english"
HEADLINE_OPTIONS: dict[str, Any] = {
    "start_sel": snippets.START,
    "stop_sel": snippets.STOP,
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


@dataclass(frozen=True)
class Hit:
    """One matching record, as a results list shows it."""

    kind: str
    object_id: uuid.UUID
    patient_id: uuid.UUID
    at: datetime.datetime
    title: SafeString
    author: str
    status: str
    snippet: SafeString
    url: str
    rank: float


class TsVector(Expression):
    """`search_text_tsv(col)` (to_tsvector('english', col)) of each column,
    weighted and joined with `||`: exactly as the index migration writes it."""

    output_field = SearchVectorField()

    def __init__(self, *columns: str, weights: Sequence[str] = ()) -> None:
        super().__init__()
        self.columns: list[Any] = [F(c) for c in columns]
        self.weights = list(weights) or [""] * len(columns)

    def get_source_expressions(self) -> list[Any]:
        return list(self.columns)

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(  # type: ignore[override]  # Django's params are lists at runtime
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        **extra: Any,
    ) -> SqlAndParams:
        parts: list[str] = []
        params: list[Any] = []
        for column, weight in zip(self.columns, self.weights, strict=True):
            sql, column_params = compiler.compile(column)
            part = f"search_text_tsv({sql})"
            parts.append(f"setweight({part}, '{weight}')" if weight else part)
            params.extend(column_params)
        return " || ".join(parts), params


class JsonbTsVector(Expression):
    """The string values of a JSON column (not its keys, numbers or JSON
    punctuation): `search_json_tsv(col)`, which is
    `jsonb_to_tsvector('english', col, '["string"]')`."""

    output_field = SearchVectorField()

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column: Any = F(column)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(  # type: ignore[override]  # Django's params are lists at runtime
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        **extra: Any,
    ) -> SqlAndParams:
        sql, params = compiler.compile(self.column)
        return f"search_json_tsv({sql})", list(params)


class JsonTextContains(Expression):
    """SQLite: a string value of the JSON column (not a key) contains
    `word`, case-insensitively (LIKE)."""

    output_field = BooleanField()

    def __init__(self, column: str, word: str) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.word = word

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(  # type: ignore[override]  # Django's params are lists at runtime
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        **extra: Any,
    ) -> SqlAndParams:
        sql, params = compiler.compile(self.column)
        return (
            f"EXISTS (SELECT 1 FROM json_tree({sql}) AS v "
            "WHERE v.type = 'text' AND v.value LIKE %s ESCAPE '\\')",
            [*params, _like(self.word)],
        )


def is_postgresql(queryset: QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def ts_query(terms: Terms) -> SearchQuery:
    return SearchQuery(terms.text, config=CONFIG, search_type="websearch")


def _every_word(fields: Sequence[str], words: Sequence[str]) -> Q:
    """Each word appears in one of `fields` (the SQLite fallback)."""
    match = Q()
    for word in words:
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__icontains": word})
        match &= either
    return match


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Source:
    """One kind of searchable record. Subclasses fill in the class
    attributes and the four methods marked below."""

    key: ClassVar[str]
    label: ClassVar[str]
    patient_path: ClassVar[str]  # lookup from the row to its patient
    date_field: ClassVar[str]  # shown, and sorted by
    related: ClassVar[tuple[str, ...]] = ()

    def rows(self, actor: Actor) -> QuerySet[Any]:
        """The clinic's searchable rows (not entered in error)."""
        raise NotImplementedError

    def vector(self) -> Combinable:
        """PostgreSQL: the indexed tsvector expression."""
        raise NotImplementedError

    def sqlite_match(self, words: Sequence[str]) -> Q:
        """SQLite: every word appears in the searched text."""
        raise NotImplementedError

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        """PostgreSQL: annotations holding the marked snippet text."""
        raise NotImplementedError

    def to_hit(self, row: Any, terms: Terms, *, postgres: bool) -> Hit:
        raise NotImplementedError

    # --- shared by every source ---------------------------------------------

    @property
    def patient_id_path(self) -> str:
        return f"{self.patient_path}_id"

    def matching(self, actor: Actor, terms: Terms) -> QuerySet[Any]:
        """Rows matching the query, annotated `search_rank` (0 on SQLite)."""
        rows = self.rows(actor)
        if is_postgresql(rows):
            query = ts_query(terms)
            return (
                rows.alias(search_vector=self.vector())
                .filter(search_vector=query)
                .annotate(search_rank=SearchRank(F("search_vector"), query))
            )
        return rows.filter(self.sqlite_match(terms.words)).annotate(
            search_rank=Value(0.0, output_field=FloatField())
        )

    def with_snippets(self, rows: QuerySet[Any], terms: Terms) -> QuerySet[Any]:
        rows = rows.select_related(*self.related)
        if is_postgresql(rows):
            return rows.annotate(**self.headlines(ts_query(terms)))
        return rows

    def keys(self, actor: Actor, terms: Terms) -> QuerySet[Any]:
        """(patient id, date) of each match: one arm of the clinic search's
        UNION ALL, columns in that order. No rank: ranking every match of
        the clinic would parse every matching text again."""
        return (
            self.matching(actor, terms)
            .order_by()
            .values(hit_patient=F(self.patient_id_path), hit_at=F(self.date_field))
        )


def _headline(expression: Any, query: SearchQuery, **options: Any) -> SearchHeadline:
    return SearchHeadline(
        expression, query, config=CONFIG, **{**HEADLINE_OPTIONS, **options}
    )


def _marked(text: str, terms: Terms, *, postgres: bool, whole: bool = False) -> str:
    return text if postgres else snippets.highlight(text, terms.words, whole=whole)


class NoteSource(Source):
    key = "notes"
    label = "Notes"
    patient_path = "patient"
    date_field = "created_at"
    related = ("provider", "template")

    def rows(self, actor: Actor) -> QuerySet[ClinicalNote]:
        return ClinicalNote.objects.filter(clinic=actor.clinic)

    def vector(self) -> Combinable:
        return JsonbTsVector("content")

    def sqlite_match(self, words: Sequence[str]) -> Q:
        match = Q()
        for word in words:
            match &= Q(JsonTextContains("content", word))
        return match

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        # ts_headline of a jsonb document marks inside each string value and
        # returns the document; cast to text so it arrives as JSON text.
        return {"search_snippet": Cast(_headline(F("content"), query), TextField())}

    def to_hit(self, row: ClinicalNote, terms: Terms, *, postgres: bool) -> Hit:
        labels = {f.get("name"): f.get("label", "") for f in row.template.fields or []}
        if postgres:
            document = snippets.load_json(getattr(row, "search_snippet", ""))
            values = [(k, v) for k, v in snippets.string_values(document)]
            found = [(k, v) for k, v in values if snippets.is_marked(v)]
        else:
            values = list(snippets.string_values(row.content))
            found = [
                (k, snippets.highlight(v, terms.words))
                for k, v in values
                if any(w in v.casefold() for w in terms.words)
            ]
        shown = found[:2] or values[:1]
        snippet = " · ".join(f"{labels.get(k) or k}: {v}" if k else v for k, v in shown)
        return Hit(
            kind=self.key,
            object_id=row.pk,
            patient_id=row.patient_id,
            at=row.created_at,
            title=snippets.to_html(row.template.name),
            author=row.provider.display_name,
            status="" if row.is_signed else "Draft",
            snippet=snippets.to_html(snippet),
            url=reverse("charting:note-detail", kwargs={"note_id": row.pk}),
            rank=_rank(row),
        )


class AddendumSource(Source):
    key = "addenda"
    label = "Addenda"
    patient_path = "note__patient"
    date_field = "signed_at"
    related = ("author", "note__template")

    def rows(self, actor: Actor) -> QuerySet[NoteAddendum]:
        return NoteAddendum.objects.filter(clinic=actor.clinic)

    def vector(self) -> Combinable:
        return TsVector("text")

    def sqlite_match(self, words: Sequence[str]) -> Q:
        return _every_word(["text"], words)

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        return {"search_snippet": _headline(F("text"), query)}

    def to_hit(self, row: NoteAddendum, terms: Terms, *, postgres: bool) -> Hit:
        text = getattr(row, "search_snippet", "") if postgres else row.text
        url = reverse("charting:note-detail", kwargs={"note_id": row.note_id})
        return Hit(
            kind=self.key,
            object_id=row.pk,
            patient_id=row.note.patient_id,
            at=row.signed_at,
            title=snippets.to_html(f"Addendum to {row.note.template.name}"),
            author=row.author.full_name,
            status="",
            snippet=snippets.to_html(_marked(text, terms, postgres=postgres)),
            url=f"{url}#addenda",
            rank=_rank(row),
        )


class DocumentSource(Source):
    key = "documents"
    label = "Documents"
    patient_path = "patient"
    date_field = "created_at"
    related = ("uploaded_by__user",)

    def rows(self, actor: Actor) -> QuerySet[Document]:
        return Document.objects.filter(
            clinic=actor.clinic, is_entered_in_error=False
        ).defer("ciphertext", "nonce", "extracted_text")

    def vector(self) -> Combinable:
        return TsVector("title", "extracted_text", weights=("A", "B"))

    def sqlite_match(self, words: Sequence[str]) -> Q:
        return _every_word(["title", "extracted_text"], words)

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        return {
            "search_title": _headline(F("title"), query, highlight_all=True),
            "search_snippet": _headline(F("extracted_text"), query),
        }

    def with_snippets(self, rows: QuerySet[Any], terms: Terms) -> QuerySet[Any]:
        rows = super().with_snippets(rows, terms)
        # SQLite cuts the snippet in Python, from the text itself.
        return rows if is_postgresql(rows) else rows.defer(None).defer("ciphertext")

    def to_hit(self, row: Document, terms: Terms, *, postgres: bool) -> Hit:
        if postgres:
            title = getattr(row, "search_title", row.title)
            text = getattr(row, "search_snippet", "")
        else:
            title = snippets.highlight(row.title, terms.words, whole=True)
            text = snippets.highlight(row.extracted_text, terms.words)
        url = reverse(
            "documents:patient-documents", kwargs={"patient_id": row.patient_id}
        )
        uploader = row.uploaded_by.user.full_name if row.uploaded_by else "System"
        return Hit(
            kind=self.key,
            object_id=row.pk,
            patient_id=row.patient_id,
            at=row.created_at,
            title=snippets.to_html(title),
            author=uploader,
            status=row.get_category_display(),
            snippet=snippets.to_html(text),
            url=f"{url}#document-{row.pk}",
            rank=_rank(row),
        )


class ProblemSource(Source):
    key = "problems"
    label = "Problems"
    patient_path = "patient"
    date_field = "created_at"
    related = ("recorded_by__user",)

    def rows(self, actor: Actor) -> QuerySet[Problem]:
        return Problem.objects.filter(clinic=actor.clinic).exclude(
            status=ENTERED_IN_ERROR
        )

    def vector(self) -> Combinable:
        return TsVector("display", "note")

    def sqlite_match(self, words: Sequence[str]) -> Q:
        return _every_word(["display", "note"], words)

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        return {
            "search_title": _headline(F("display"), query, highlight_all=True),
            "search_snippet": _headline(F("note"), query, highlight_all=True),
        }

    def to_hit(self, row: Problem, terms: Terms, *, postgres: bool) -> Hit:
        if postgres:
            display = getattr(row, "search_title", row.display)
            note = getattr(row, "search_snippet", row.note)
        else:
            display = snippets.highlight(row.display, terms.words, whole=True)
            note = snippets.highlight(row.note, terms.words, whole=True)
        url = reverse("charting:chart-detail", kwargs={"patient_id": row.patient_id})
        return Hit(
            kind=self.key,
            object_id=row.pk,
            patient_id=row.patient_id,
            at=row.created_at,
            title=snippets.to_html(f"{row.code} {display}"),
            author=_recorder(row),
            status=row.get_status_display(),
            snippet=snippets.to_html(note),
            url=f"{url}#chart-problems",
            rank=_rank(row),
        )


class MedicationSource(Source):
    key = "medications"
    label = "Medications"
    patient_path = "patient"
    date_field = "created_at"
    related = ("recorded_by__user",)

    def rows(self, actor: Actor) -> QuerySet[Medication]:
        return Medication.objects.filter(clinic=actor.clinic).exclude(
            status=ENTERED_IN_ERROR
        )

    def vector(self) -> Combinable:
        return TsVector("name")

    def sqlite_match(self, words: Sequence[str]) -> Q:
        return _every_word(["name"], words)

    def headlines(self, query: SearchQuery) -> dict[str, Any]:
        return {"search_snippet": _headline(F("name"), query, highlight_all=True)}

    def to_hit(self, row: Medication, terms: Terms, *, postgres: bool) -> Hit:
        name = (
            getattr(row, "search_snippet", "")
            if postgres
            else snippets.highlight(row.name, terms.words, whole=True)
        )
        dosing = " ".join(p for p in (row.dose, row.route, row.frequency) if p)
        url = reverse("charting:chart-detail", kwargs={"patient_id": row.patient_id})
        return Hit(
            kind=self.key,
            object_id=row.pk,
            patient_id=row.patient_id,
            at=row.created_at,
            title=snippets.to_html(name),
            author=_recorder(row),
            status=row.get_status_display(),
            snippet=snippets.to_html(dosing),
            url=f"{url}#chart-medications",
            rank=_rank(row),
        )


def _rank(row: Model) -> float:
    return float(getattr(row, "search_rank", 0.0))


def _recorder(row: Problem | Medication) -> str:
    return row.recorded_by.user.full_name if row.recorded_by else "System"


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a source to every search (patient and clinic), in this order."""
    SOURCES[source.key] = source
    return source


for _source in (
    NoteSource(),
    AddendumSource(),
    DocumentSource(),
    ProblemSource(),
    MedicationSource(),
):
    register(_source)
