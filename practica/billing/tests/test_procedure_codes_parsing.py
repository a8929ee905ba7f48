"""Reading a procedure code file: the header, the code format of each system,
and every bad row reported by row number and column."""

from __future__ import annotations

import pytest

from practica.billing.code_files import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    CodeRow,
    FileProblem,
    parse_code_file,
)


def _problems(system: str, text: str) -> list[str]:
    parsed = parse_code_file(system, text.encode("utf-8"))
    assert parsed.rows == ()
    return [str(problem) for problem in parsed.problems]


def test_a_good_file_gives_its_rows_numbered_as_a_spreadsheet() -> None:
    # given a file saved by a spreadsheet: BOM, CRLF, a blank line, spaces
    data = (
        "\ufeffCode,Description,Long_Description\r\n"
        "97110,Therapeutic exercise ,\r\n"
        "\r\n"
        ' 0001f,"Composite measure,  two words","Line one\r\nline two"\r\n'
    ).encode()
    # when
    parsed = parse_code_file("cpt", data)
    # then
    assert parsed.problems == ()
    assert parsed.rows == (
        CodeRow(2, "97110", "Therapeutic exercise", ""),
        CodeRow(4, "0001F", "Composite measure, two words", "Line one\nline two"),
    )


def test_the_long_description_column_is_optional() -> None:
    parsed = parse_code_file("local", b"code,description\nPT-IA,Initial assessment\n")
    assert parsed.rows == (CodeRow(2, "PT-IA", "Initial assessment", ""),)


@pytest.mark.parametrize(
    ("system", "code", "stored"),
    [
        ("cpt", "97110", "97110"),
        ("cpt", "0001F", "0001F"),
        ("cpt", "0042t", "0042T"),
        ("hcpcs", "G0283", "G0283"),
        ("hcpcs", "a4550", "A4550"),
        ("local", "A001A", "A001A"),
        ("local", "00100", "00100"),
        ("local", "pt-ia", "PT-IA"),
        ("local", "K013.1/B_2", "K013.1/B_2"),
        ("local", "X" * 20, "X" * 20),
    ],
)
def test_codes_of_each_system_are_accepted_in_upper_case(
    system: str, code: str, stored: str
) -> None:
    parsed = parse_code_file(system, f"code,description\n{code},A service\n".encode())
    assert parsed.problems == ()
    assert [row.code for row in parsed.rows] == [stored]


@pytest.mark.parametrize(
    ("system", "code", "message"),
    [
        ("cpt", "9711", "Row 2, code: 9711 is not valid: a CPT code is 4 digits"),
        ("cpt", "97110A", "Row 2, code: 97110A is not valid: a CPT code"),
        ("cpt", "0001X", "Row 2, code: 0001X is not valid: a CPT code"),
        ("cpt", "G0283", "Row 2, code: G0283 is not valid: a CPT code"),
        ("hcpcs", "97110", "Row 2, code: 97110 is not valid: an HCPCS code"),
        ("hcpcs", "GG028", "Row 2, code: GG028 is not valid: an HCPCS code"),
        ("local", "PT IA", "Row 2, code: PT IA is not valid: a fee code"),
        ("local", "-PT", "Row 2, code: -PT is not valid: a fee code"),
        ("local", "X" * 21, "Row 2, code: is 21 characters; at most 20."),
        ("local", "", "Row 2, code: is empty."),
    ],
)
def test_a_bad_code_is_named_with_its_row_and_column(
    system: str, code: str, message: str
) -> None:
    problems = _problems(system, f"code,description\n{code},A service\n")
    assert len(problems) == 1
    assert problems[0].startswith(message)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("PT-IA,", "Row 2, description: is empty."),
        ("PT-IA,  ", "Row 2, description: is empty."),
        (f"PT-IA,{'d' * 201}", "Row 2, description: is 201 characters; at most 200."),
        (
            f"PT-IA,Assessment,{'l' * 2001}",
            "Row 2, long description: is 2001 characters; at most 2000.",
        ),
        ("PT-IA,Assess\x00ment", "Row 2, description: holds a control character."),
        ("PT-IA,Assessment,Bell\x07", "Row 2, long description: holds a control"),
        ("PT-IA,Assessment,long,extra", "Row 2: has 4 columns; the header has 3."),
    ],
)
def test_a_bad_description_or_row_is_named(row: str, expected: str) -> None:
    problems = _problems("local", f"code,description,long description\n{row}\n")
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_every_problem_of_the_file_is_reported_at_once() -> None:
    # given a file with a duplicate, a bad code and an empty description
    text = (
        "code,description\n"
        "97110,Therapeutic exercise\n"
        "97140,Manual therapy\n"
        "97110,Exercise again\n"
        "9714,Typo\n"
        "97530,\n"
    )
    # when
    problems = _problems("cpt", text)
    # then
    assert problems == [
        "Row 4, code: 97110 is also on row 2.",
        "Row 5, code: 9714 is not valid: a CPT code is 4 digits then a digit, "
        "F or T (97110, 0001F, 0042T).",
        "Row 6, description: is empty.",
    ]


def test_a_code_repeated_in_other_case_is_a_duplicate() -> None:
    problems = _problems("local", "code,description\nmt-60,Massage\nMT-60,Again\n")
    assert problems == ["Row 3, code: MT-60 is also on row 2."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("97110,Therapeutic exercise\n", "Row 1, column 1: unknown heading '97110'"),
        ("code,desc\n", "Row 1, column 2: unknown heading 'desc'"),
        ("code;description\n97110;Exercise\n", "Separate columns with commas."),
        ("code\n97110\n", "Row 1: the first row must be the header"),
        ("code,description,code\n", "Row 1: a heading appears twice."),
        ("", "File: is empty; the header is missing."),
        ("code,description\n\n", "File: has no codes after the header."),
        ('code,description\n97110,"Exercise\n', "Row 2: is not valid CSV"),
    ],
)
def test_a_bad_header_or_file_is_refused(text: str, expected: str) -> None:
    problems = _problems("cpt", text)
    assert len(problems) == 1
    assert expected in problems[0]


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte() -> None:
    parsed = parse_code_file("local", "code,description\nA1,Caf\xe9\n".encode("cp1252"))
    assert [str(p) for p in parsed.problems] == [
        "File: is not UTF-8 text (row 2, byte 24); save it as CSV UTF-8."
    ]


def test_a_file_over_the_size_cap_is_refused_unread() -> None:
    parsed = parse_code_file("local", b"x" * (MAX_FILE_BYTES + 1))
    assert parsed.problems == (FileProblem(None, None, "is larger than 2 MB."),)


def test_a_file_over_the_row_cap_is_refused() -> None:
    # given one row more than the cap
    lines = ["code,description", *(f"C{n},Service" for n in range(MAX_ROWS + 1))]
    # when
    parsed = parse_code_file("local", "\n".join(lines).encode())
    # then
    assert [str(p) for p in parsed.problems] == ["File: has more than 20000 codes."]


def test_a_file_at_the_row_cap_is_read() -> None:
    lines = ["code,description", *(f"C{n},Service" for n in range(MAX_ROWS))]
    parsed = parse_code_file("local", "\n".join(lines).encode())
    assert parsed.problems == ()
    assert len(parsed.rows) == MAX_ROWS


def test_an_unknown_system_is_refused() -> None:
    parsed = parse_code_file("icd10", b"code,description\nA1,B\n")
    assert [str(p) for p in parsed.problems] == ["File: unknown code system."]
