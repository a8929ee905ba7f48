from __future__ import annotations

import pytest

from practica.documents.errors import DocumentRefusedError
from practica.documents.file_names import clean_name, download_name
from practica.documents.file_types import inspect, sniff
from practica.documents.tests.factories import make_jpeg, make_pdf, make_png

NOT_ACCEPTED = "this is not a PDF, PNG or JPEG file (checked from its content)."
BROKEN_PDF = "the PDF is damaged or incomplete and cannot be read."
BROKEN_IMAGE = "the image is damaged or incomplete and cannot be shown."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (make_pdf(), "application/pdf"),
        (make_png(), "image/png"),
        (make_jpeg(), "image/jpeg"),
        (b"MZ\x90\x00\x03", None),
        (b"GIF89a", None),
        (b"plain text", None),
    ],
)
def test_sniffing_reads_the_first_bytes(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


def test_a_pdf_gives_its_text() -> None:
    result = inspect(make_pdf("HbA1c 5.4 percent"), file_name="lab.pdf")
    assert (result.content_type, result.extracted_text) == (
        "application/pdf",
        "HbA1c 5.4 percent",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty."),
        (b"MZ\x90\x00" + b"\x00" * 64, NOT_ACCEPTED),
        (b"%PDF-1.4\nnot really a pdf", BROKEN_PDF),
        (make_pdf()[:150], BROKEN_PDF),
        (make_png()[:40], BROKEN_IMAGE),
        (make_jpeg()[:60], BROKEN_IMAGE),
    ],
    ids=["empty", "exe", "fake-pdf", "truncated-pdf", "truncated-png", "cut-jpeg"],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentRefusedError) as caught:
        inspect(data, file_name="upload.pdf")
    assert (caught.value.file_name, caught.value.reason) == ("upload.pdf", reason)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\scans\\referral.pdf", "referral.pdf"),
        ("../../etc/passwd", "passwd"),
        ('lab "final";\r\n.pdf', "lab _final_.pdf"),
        ("", "document"),
        ("...", "document"),
    ],
)
def test_uploaded_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("report.pdf", "image/png", "report.png"),
        ("scan", "image/jpeg", "scan.jpg"),
        ("letter.PDF", "application/pdf", "letter.pdf"),
    ],
)
def test_download_names_carry_the_sniffed_extension(
    name: str, content_type: str, expected: str
) -> None:
    assert download_name(name, content_type) == expected
