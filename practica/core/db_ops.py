"""A migration operation that runs SQL written for each database vendor.

Used for what the ORM cannot express on both databases: PostgreSQL exclusion
constraints, and the triggers that make audit entries, ledger entries and signed
notes immutable on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.migrations.operations.base import Operation


class VendorSQL(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(
        self,
        *,
        sqlite: Sequence[str] = (),
        postgresql: Sequence[str] = (),
        sqlite_reverse: Sequence[str] = (),
        postgresql_reverse: Sequence[str] = (),
    ) -> None:
        self.forward = {"sqlite": list(sqlite), "postgresql": list(postgresql)}
        self.backward = {
            "sqlite": list(sqlite_reverse),
            "postgresql": list(postgresql_reverse),
        }

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {
                "sqlite": self.forward["sqlite"],
                "postgresql": self.forward["postgresql"],
                "sqlite_reverse": self.backward["sqlite"],
                "postgresql_reverse": self.backward["postgresql"],
            },
        )

    def state_forwards(self, app_label: str, state: Any) -> None:
        return None

    def _run(self, statements: dict[str, list[str]], schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._run(self.forward, schema_editor)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        self._run(self.backward, schema_editor)

    def describe(self) -> str:
        return "Vendor-specific SQL"


def immutable_rows_sql(
    table: str, *, when: str = "", allow_delete_on_sqlite: bool = True
) -> dict[str, list[str]]:
    """Triggers refusing UPDATE (and DELETE) of rows in `table`.

    `when` restricts the rule to rows matching a condition on OLD (e.g. signed
    notes). SQLite keeps DELETE allowed where the test runner's flush needs it;
    the audit hash chain still detects such a removal.
    """
    name = table.replace(".", "_")
    sqlite_when = f" WHEN {when}" if when else ""
    pg_when = f" WHEN ({when})" if when else ""
    sqlite = [
        f"CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {table}{sqlite_when} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;"
    ]
    sqlite_reverse = [f"DROP TRIGGER IF EXISTS {name}_no_update;"]
    if not allow_delete_on_sqlite:
        sqlite.append(
            f"CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table}{sqlite_when} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;"
        )
        sqlite_reverse.append(f"DROP TRIGGER IF EXISTS {name}_no_delete;")
    postgresql = [
        f"CREATE OR REPLACE FUNCTION {name}_immutable() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{table} rows are immutable'; END; $$ "
        "LANGUAGE plpgsql;",
        f"CREATE TRIGGER {name}_no_update BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW{pg_when} EXECUTE FUNCTION {name}_immutable();",
    ]
    postgresql_reverse = [
        f"DROP TRIGGER IF EXISTS {name}_no_update ON {table};",
        f"DROP FUNCTION IF EXISTS {name}_immutable();",
    ]
    return {
        "sqlite": sqlite,
        "postgresql": postgresql,
        "sqlite_reverse": sqlite_reverse,
        "postgresql_reverse": postgresql_reverse,
    }
