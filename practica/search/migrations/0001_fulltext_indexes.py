"""GIN indexes for full-text search, on PostgreSQL only (SQLite's fallback
matches words with LIKE and needs none).

Each index is on (clinic_id, the tsvector expression) with btree_gin, so a
clinic's search reads only its own entries in a database serving many
clinics. The expressions are exactly those `practica/search/sources.py`
queries with (`TsVector`, `JsonbTsVector`): PostgreSQL uses an expression
index only for an identical expression. A note's content is JSON: only its
string values are indexed (`jsonb_to_tsvector(..., '["string"]')`), not its
keys, numbers or JSON punctuation.

Search owns these indexes although the tables belong to charting and
documents, so that those apps' write paths stay untouched. Built
CONCURRENTLY so a live clinic keeps writing notes meanwhile (hence a
non-atomic migration).
"""

from django.db import migrations

from practica.core.db_ops import VendorSQL


def _tsv(column: str) -> str:
    return f"to_tsvector('english'::regconfig, {column})"


INDEXES = {
    "search_note_fts": (
        "charting_clinicalnote",
        "jsonb_to_tsvector('english'::regconfig, content, '[\"string\"]'::jsonb)",
    ),
    "search_addendum_fts": ("charting_noteaddendum", _tsv("text")),
    "search_document_fts": (
        "documents_document",
        f"(setweight({_tsv('title')}, 'A') || setweight({_tsv('extracted_text')}, 'B'))",
    ),
    "search_problem_fts": (
        "charting_problem",
        f"({_tsv('display')} || {_tsv('note')})",
    ),
    "search_medication_fts": ("charting_medication", _tsv("name")),
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("charting", "0003_chart_lists"),
        ("documents", "0001_document"),
    ]
    operations = [
        VendorSQL(postgresql=["CREATE EXTENSION IF NOT EXISTS btree_gin;"]),
        *(
            VendorSQL(
                postgresql=[
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                    f"ON {table} USING gin (clinic_id, {expression});"
                ],
                postgresql_reverse=[f"DROP INDEX CONCURRENTLY IF EXISTS {name};"],
            )
            for name, (table, expression) in INDEXES.items()
        ),
    ]
