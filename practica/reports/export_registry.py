"""The record export's building blocks: a section loads its rows for one
patient, maps each row to FHIR resources and names its PDF template.

A new part of the chart joins the export with one `section(...)` entry in
`export_sections.SECTIONS`: a loader (a fixed number of queries, whatever the
rows), a mapper from `practica.fhir`, and `reports/export_pdf/<key>.html`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from practica.fhir.datatypes import Resource

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor

R = TypeVar("R")


@dataclass(frozen=True)
class ExportScope:
    actor: Actor
    patient: Patient
    # The bundle carries the documents' files; the PDF lists their titles only.
    with_files: bool


@dataclass(frozen=True)
class LoadedSection:
    key: str
    title: str
    template: str  # PDF template; "" for a section only the bundle carries
    rows: Sequence[object]
    to_fhir: Callable[[], list[Resource]]

    @property
    def resources(self) -> list[Resource]:
        return self.to_fhir()


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    load: Callable[[ExportScope], LoadedSection]


def section(
    key: str,
    title: str,
    *,
    load: Callable[[ExportScope], Sequence[R]],
    to_fhir: Callable[[R], list[Resource]],
    pdf: bool = True,
) -> ExportSection:
    """A section of the record: `load` reads its rows (constant queries),
    `to_fhir` maps one row; the PDF prints it with
    `reports/export_pdf/<key>.html` (rows in `rows`)."""

    def loaded(scope: ExportScope) -> LoadedSection:
        rows = load(scope)
        return LoadedSection(
            key=key,
            title=title,
            template=f"reports/export_pdf/{key}.html" if pdf else "",
            rows=rows,
            to_fhir=lambda: [r for row in rows for r in to_fhir(row)],
        )

    return ExportSection(key=key, title=title, load=loaded)


def one(mapper: Callable[[R], Resource]) -> Callable[[R], list[Resource]]:
    return lambda row: [mapper(row)]
