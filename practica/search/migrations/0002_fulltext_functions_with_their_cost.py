"""Rebuild the full-text indexes on two functions that tell the planner what
parsing text costs (PostgreSQL only).

PostgreSQL costs `to_tsvector` at 100 x cpu_operator_cost, far below what
parsing and stemming a note really takes (about 0.2 ms a note on the demo
clinic). So for a common word it chose to recompute the vector of every
note of the clinic (400 ms for 2,000 notes) rather than read the GIN index
(under 1 ms). `search_text_tsv` and `search_json_tsv` do the same work with
an honest COST; they are plpgsql so the planner cannot inline them (which
would drop the cost), immutable so they can be indexed, and name pg_catalog
so no search_path can change what they do (pg_restore runs with an empty
one).

`practica/search/sources.py` queries with exactly these expressions.
"""

from django.db import migrations

from practica.core.db_ops import VendorSQL

FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION search_text_tsv(body text) RETURNS tsvector "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$ "
    "BEGIN RETURN pg_catalog.to_tsvector('pg_catalog.english'::regconfig, body); "
    "END $$;",
    "CREATE OR REPLACE FUNCTION search_json_tsv(body jsonb) RETURNS tsvector "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$ "
    "BEGIN RETURN pg_catalog.jsonb_to_tsvector("
    "'pg_catalog.english'::regconfig, body, '[\"string\"]'::jsonb); END $$;",
]
DROP_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS search_text_tsv(text);",
    "DROP FUNCTION IF EXISTS search_json_tsv(jsonb);",
]


def _tsv(column: str) -> str:
    return f"search_text_tsv({column})"


INDEXES = {
    "search_note_fts": ("charting_clinicalnote", "search_json_tsv(content)"),
    "search_addendum_fts": ("charting_noteaddendum", _tsv("text")),
    "search_document_fts": (
        "documents_document",
        f"(setweight({_tsv('title')}, 'A') || setweight({_tsv('extracted_text')}, 'B'))",
    ),
    "search_problem_fts": ("charting_problem", f"({_tsv('display')} || {_tsv('note')})"),
    "search_medication_fts": ("charting_medication", _tsv("name")),
}
# 0001's expressions, to rebuild on the way back.
OLD_INDEXES = {
    "search_note_fts": (
        "charting_clinicalnote",
        "jsonb_to_tsvector('english'::regconfig, content, '[\"string\"]'::jsonb)",
    ),
    "search_addendum_fts": (
        "charting_noteaddendum",
        "to_tsvector('english'::regconfig, text)",
    ),
    "search_document_fts": (
        "documents_document",
        "(setweight(to_tsvector('english'::regconfig, title), 'A') || "
        "setweight(to_tsvector('english'::regconfig, extracted_text), 'B'))",
    ),
    "search_problem_fts": (
        "charting_problem",
        "(to_tsvector('english'::regconfig, display) || "
        "to_tsvector('english'::regconfig, note))",
    ),
    "search_medication_fts": (
        "charting_medication",
        "to_tsvector('english'::regconfig, name)",
    ),
}


def _create(name: str, table: str, expression: str) -> str:
    return (
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
        f"ON {table} USING gin (clinic_id, {expression});"
    )


def _drop(name: str) -> str:
    return f"DROP INDEX CONCURRENTLY IF EXISTS {name};"


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0001_fulltext_indexes")]
    operations = [
        VendorSQL(postgresql=FUNCTIONS, postgresql_reverse=DROP_FUNCTIONS),
        *(
            VendorSQL(
                postgresql=[_drop(name), _create(name, table, expression)],
                postgresql_reverse=[
                    _drop(name),
                    _create(name, *OLD_INDEXES[name]),
                ],
            )
            for name, (table, expression) in INDEXES.items()
        ),
    ]
