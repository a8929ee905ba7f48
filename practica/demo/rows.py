"""Inserting many rows fast: COPY on PostgreSQL, executemany on SQLite.

`bulk_create` builds a model instance per row; for the benchmark's hundreds of
thousands of search keys and ledger entries that costs more than the database
does. Values still go through each field's `get_db_prep_save`, so they are
stored exactly as the ORM would store them. Rows are tuples in the order of
`field_names`; no signals, defaults or auto_now apply: callers pass every value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 2000


def insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> int:
    """Insert `rows` into `model`'s table; return how many."""
    fields = [model._meta.get_field(name) for name in field_names]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    if len(concrete) != len(fields):
        raise ValueError("insert_rows takes concrete fields only.")
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(f.column or f.attname) for f in concrete
    )
    total = 0
    with connection.cursor() as cursor:
        # The driver's own cursor: Django's wrapper has neither COPY nor the
        # driver's native placeholders.
        raw = cursor.cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_prepared(concrete, row))
                    total += 1
            return total
        placeholders = ", ".join(["?"] * len(concrete))
        # Table and column names come from model metadata; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        chunk: list[list[object]] = []
        for row in rows:
            chunk.append(_prepared(concrete, row))
            if len(chunk) >= CHUNK:
                raw.executemany(sql, chunk)
                total += len(chunk)
                chunk = []
        if chunk:
            raw.executemany(sql, chunk)
            total += len(chunk)
    return total


def _prepared(
    fields: Sequence[models.Field[object, object]], row: Sequence[object]
) -> list[object]:
    return [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, row, strict=True)
    ]
