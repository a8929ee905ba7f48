"""Writes for the clinic's own procedure code lists (CPT, HCPCS Level II,
provincial or local fee codes): load a CSV file.

Practica ships no procedure codes (CPT is licensed by the AMA); a clinic
loads the list it holds a licence for, or its own fee codes. A load checks
every row first (`code_files.parse_code_file`) and then writes in one
transaction, so a file with any bad row changes nothing. Codes are never
deleted: invoices and claims may name them. Replacing a list marks the codes
missing from the file inactive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.billing.code_files import CodeRow, parse_code_file
from practica.billing.errors import (
    BillingError,
    CodeFileError,
    CodeListPermissionError,
)
from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.tenancy.permissions import CLINIC_MANAGE

if TYPE_CHECKING:
    import datetime

    from practica.tenancy.actor import Actor

# Who may load a list: changing the codes every invoice can carry is a clinic
# setting (owner, administrator), like the cancellation policy.
LOAD_PERMISSION = CLINIC_MANAGE
BATCH = 500
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def clean_file_name(name: str) -> str:
    """The file's own name, without any folder a browser sent, at most 255."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("", base).strip()[:255]


def _new_code(
    *,
    actor: Actor,
    system: str,
    row: CodeRow,
    now: datetime.datetime,
    file_name: str,
) -> ProcedureCode:
    return ProcedureCode(
        clinic=actor.clinic,
        system=system,
        code=row.code,
        short_description=row.short_description,
        long_description=row.long_description,
        is_active=True,
        loaded_at=now,
        loaded_by=actor.membership,
        source_file_name=file_name,
    )


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _write(
    *,
    actor: Actor,
    system: str,
    rows: tuple[CodeRow, ...],
    file_name: str,
    replace: bool,
) -> ProcedureCodeLoad:
    now = timezone.now()
    existing = {
        code.code: code
        for code in ProcedureCode.objects.select_for_update().filter(
            clinic=actor.clinic, system=system
        )
    }
    added = 0
    changed = 0
    to_write: list[ProcedureCode] = []
    for row in rows:
        current = existing.get(row.code)
        if current is not None and (
            current.short_description,
            current.long_description,
            current.is_active,
        ) == (row.short_description, row.long_description, True):
            continue
        if current is None:
            added += 1
        else:
            changed += 1
        # loaded_* say when the code's current wording arrived, and from where.
        to_write.append(
            _new_code(actor=actor, system=system, row=row, now=now, file_name=file_name)
        )
    # One upsert for new and reworded codes: an UPDATE per row, or Django's
    # bulk_update (a CASE per column), takes seconds on a 20,000-code list.
    ProcedureCode.objects.bulk_create(
        to_write,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["clinic", "system", "code"],
        update_fields=[
            "short_description",
            "long_description",
            "is_active",
            "loaded_at",
            "loaded_by",
            "source_file_name",
            "updated_at",
        ],
    )
    deactivated = 0
    if replace:
        in_file = {row.code for row in rows}
        stale = [
            code.pk
            for code in existing.values()
            if code.is_active and code.code not in in_file
        ]
        for chunk in _chunks(stale):
            deactivated += ProcedureCode.objects.filter(
                clinic=actor.clinic, pk__in=chunk
            ).update(is_active=False, updated_at=now)
    load = ProcedureCodeLoad.objects.create(
        clinic=actor.clinic,
        system=system,
        file_name=file_name,
        is_replace=replace,
        rows=len(rows),
        added=added,
        updated=changed,
        unchanged=len(rows) - added - changed,
        deactivated=deactivated,
        loaded_by=actor.membership,
    )
    mode = "replace" if replace else "add or update"
    record_change(
        actor=actor,
        action="load",
        obj=load,
        patient_id=None,
        detail=(
            f"{system} {mode}: {load.rows} rows, {load.added} added, "
            f"{load.updated} updated, {load.unchanged} unchanged, "
            f"{load.deactivated} deactivated"
        ),
    )
    return load


def load_procedure_codes(
    *,
    actor: Actor,
    system: str,
    data: bytes,
    file_name: str,
    replace: bool,
) -> ProcedureCodeLoad:
    """Load a CSV code file into the clinic's list for `system`.

    Adds new codes, updates the wording of known ones (and reactivates them)
    and, when `replace` is set, marks the system's codes missing from the file
    inactive. Raises CodeFileError listing every bad row (row and column
    named) and then writes nothing. Returns the load, with its counts.
    """
    if not actor.can(LOAD_PERMISSION):
        raise CodeListPermissionError(f"Missing permission {LOAD_PERMISSION}.")
    if system not in ProcedureCode.System.values:
        raise BillingError("Choose CPT, HCPCS or provincial fee codes.", field="system")
    parsed = parse_code_file(system, data)
    if parsed.problems:
        raise CodeFileError(parsed.problems)
    try:
        with transaction.atomic():
            return _write(
                actor=actor,
                system=system,
                rows=parsed.rows,
                file_name=clean_file_name(file_name),
                replace=replace,
            )
    except IntegrityError as exc:
        # A safety net: the upsert absorbs two loads of one list at once, but
        # a constraint refusing a row must not become a server error. The
        # transaction rolled back; loading again is safe.
        raise BillingError(
            "Another load of this list finished first; nothing was loaded from "
            "this file. Load it again.",
            field="file",
        ) from exc
