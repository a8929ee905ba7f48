"""Reading a clinic's procedure code file: CSV, UTF-8, a header row, then
`code,description[,long description]`.

`parse_code_file` checks every row before anything is written and returns
either the rows or every problem found, each naming its row and column, so a
clinic can fix the whole file in one pass. Rows are numbered as a spreadsheet
numbers them: the header is row 1. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from practica.billing.models import ProcedureCode

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
CODE_MAX = 20
SHORT_MAX = 200
LONG_MAX = 2000
# Shown in full; past this many a file is too broken to list every problem.
MAX_PROBLEMS = 50

System = ProcedureCode.System

# CPT: four digits then a digit (Category I), F (Category II) or T (Category III).
# HCPCS Level II: a letter then four digits. Provincial and local fee codes are
# the clinic's own: letters, digits and . - _ / (OHIP A001A, MSP 00100, PT-IA).
CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    System.CPT: re.compile(r"\d{4}[0-9FT]"),
    System.HCPCS: re.compile(r"[A-Z]\d{4}"),
    System.LOCAL: re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,19}"),
}
CODE_RULES: dict[str, str] = {
    System.CPT: "a CPT code is 4 digits then a digit, F or T (97110, 0001F, 0042T)",
    System.HCPCS: "an HCPCS code is a letter then 4 digits (G0283)",
    System.LOCAL: (
        "a fee code is 1 to 20 letters, digits, dots, dashes, underscores or "
        "slashes, starting with a letter or digit (A001A, PT-IA)"
    ),
}

CODE = "code"
DESCRIPTION = "description"
LONG_DESCRIPTION = "long description"
_HEADER_NAMES = {
    "code": CODE,
    "description": DESCRIPTION,
    "short description": DESCRIPTION,
    "long description": LONG_DESCRIPTION,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CodeRow:
    row: int
    code: str
    short_description: str
    long_description: str


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with the file: a row (None: the file as a whole) and
    a column (None: the whole row)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "File" if self.row is None else f"Row {self.row}"
        if self.column is not None:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[CodeRow, ...]
    problems: tuple[FileProblem, ...]


def normalise_code(text: str) -> str:
    return text.strip().upper()


def code_problem(system: str, code: str) -> str | None:
    """Why `code` (normalised) is not a code of `system`, or None."""
    if not code:
        return "is empty."
    if len(code) > CODE_MAX:
        return f"is {len(code)} characters; at most {CODE_MAX}."
    if not CODE_PATTERNS[system].fullmatch(code):
        return f"{code} is not valid: {CODE_RULES[system]}."
    return None


def _clean_text(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _text_problem(text: str, *, limit: int, required: bool) -> str | None:
    if required and not text:
        return "is empty."
    if _CONTROL.search(text):
        return "holds a control character."
    if len(text) > limit:
        return f"is {len(text)} characters; at most {limit}."
    return None


def _decode(data: bytes) -> str | FileProblem:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        return FileProblem(
            None,
            None,
            f"is not UTF-8 text (row {row}, byte {exc.start + 1}); "
            "save it as CSV UTF-8.",
        )


def _header(cells: list[str]) -> list[str] | FileProblem:
    names = [_SPACES.sub(" ", c.replace("_", " ")).strip().lower() for c in cells]
    columns = [_HEADER_NAMES.get(name, "") for name in names]
    for position, (cell, column) in enumerate(zip(cells, columns, strict=True)):
        if not column:
            hint = " Separate columns with commas." if ";" in cell else ""
            return FileProblem(
                1,
                f"column {position + 1}",
                f"unknown heading {cell.strip()[:40]!r}; the header must be "
                f"code,description or code,description,long description.{hint}",
            )
    if CODE not in columns or DESCRIPTION not in columns:
        return FileProblem(
            1,
            None,
            "the first row must be the header code,description "
            "(optionally a third column, long description).",
        )
    if len(set(columns)) != len(columns):
        return FileProblem(1, None, "a heading appears twice.")
    return columns


def _check_row(
    system: str, number: int, cells: list[str], columns: list[str]
) -> tuple[CodeRow | None, list[FileProblem]]:
    if len(cells) > len(columns):
        return None, [
            FileProblem(
                number,
                None,
                f"has {len(cells)} columns; the header has {len(columns)}.",
            )
        ]
    padded = [*cells, *[""] * (len(columns) - len(cells))]
    values = dict(zip(columns, padded, strict=True))
    code = normalise_code(values[CODE])
    short = _clean_text(values[DESCRIPTION])
    long = values.get(LONG_DESCRIPTION, "").replace("\r\n", "\n").strip()
    problems = []
    for column, problem in (
        (CODE, code_problem(system, code)),
        (DESCRIPTION, _text_problem(short, limit=SHORT_MAX, required=True)),
        (LONG_DESCRIPTION, _text_problem(long, limit=LONG_MAX, required=False)),
    ):
        if problem is not None:
            problems.append(FileProblem(number, column, problem))
    if problems:
        return None, problems
    return CodeRow(number, code, short, long), []


def parse_code_file(system: str, data: bytes) -> ParsedFile:
    """Every row of the file, or every problem in it (then no rows)."""
    if system not in CODE_PATTERNS:
        return ParsedFile((), (FileProblem(None, None, "unknown code system."),))
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return ParsedFile((), (FileProblem(None, None, f"is larger than {limit} MB."),))
    text = _decode(data)
    if isinstance(text, FileProblem):
        return ParsedFile((), (text,))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[FileProblem] = []
    rows: list[CodeRow] = []
    first_row: dict[str, int] = {}
    columns: list[str] | None = None
    number = 0
    data_rows = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if columns is None:
                header = _header(cells)
                if isinstance(header, FileProblem):
                    return ParsedFile((), (header,))
                columns = header
                continue
            if not any(cell.strip() for cell in cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                problem = FileProblem(None, None, f"has more than {MAX_ROWS} codes.")
                return ParsedFile((), (problem,))
            row, found = _check_row(system, number, cells, columns)
            problems.extend(found)
            if row is None:
                continue
            if row.code in first_row:
                problems.append(
                    FileProblem(
                        number,
                        CODE,
                        f"{row.code} is also on row {first_row[row.code]}.",
                    )
                )
                continue
            first_row[row.code] = number
            rows.append(row)
    except csv.Error as exc:
        problems.append(FileProblem(number + 1, None, f"is not valid CSV ({exc})."))
    if columns is None:
        problems.append(FileProblem(None, None, "is empty; the header is missing."))
    elif not rows and not problems:
        problems.append(FileProblem(None, None, "has no codes after the header."))
    if problems:
        return ParsedFile((), tuple(problems))
    return ParsedFile(tuple(rows), ())
