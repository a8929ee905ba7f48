"""What an uploaded file really is: sniffed from its first bytes, then parsed.

The name and the browser's content type are never trusted. A PDF must parse
with pypdf (its text is extracted for search); an image must decode fully with
Pillow. Each refusal raises DocumentRefusedError with a reason for the user.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from practica.documents.errors import DocumentRefusedError
from practica.documents.models import Document

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# A PDF may carry a little junk before its header; readers look in the first KB.
PDF_HEADER_WINDOW = 1024
MAX_EXTRACTED_CHARS = 200_000
EXTENSIONS: dict[str, str] = {
    Document.ContentType.PDF: ".pdf",
    Document.ContentType.PNG: ".png",
    Document.ContentType.JPEG: ".jpg",
}
ACCEPTED = "a PDF, PNG or JPEG file"


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extracted_text: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes begin with, or None."""
    if data.startswith(PNG_MAGIC):
        return Document.ContentType.PNG
    if data.startswith(JPEG_MAGIC):
        return Document.ContentType.JPEG
    if PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return Document.ContentType.PDF
    return None


def inspect(data: bytes, *, file_name: str) -> Inspected:
    """Sniff and verify the file; raise DocumentRefusedError naming it."""
    if not data:
        raise DocumentRefusedError(file_name, "the file is empty.")
    content_type = sniff(data)
    if content_type is None:
        raise DocumentRefusedError(
            file_name, f"this is not {ACCEPTED} (checked from its content)."
        )
    if content_type == Document.ContentType.PDF:
        return Inspected(content_type, _pdf_text(data, file_name=file_name))
    _verify_image(data, content_type=content_type, file_name=file_name)
    return Inspected(content_type, "")


def _pdf_text(data: bytes, *, file_name: str) -> str:
    corrupt = DocumentRefusedError(
        file_name, "the PDF is damaged or incomplete and cannot be read."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentRefusedError(
                    file_name, "the PDF is password-protected; upload it unlocked."
                )
            pages = list(reader.pages)
            if not pages:
                raise corrupt
            texts = [page.extract_text() or "" for page in pages]
    except DocumentRefusedError:
        raise
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        OSError,
    ) as exc:
        # pypdf raises a variety of errors on malformed input.
        logger.info("documents.pdf_refused", extra={"error": type(exc).__name__})
        raise corrupt from exc
    text = "\n".join(t.strip() for t in texts if t.strip())
    return text.replace("\x00", "")[:MAX_EXTRACTED_CHARS]


_PIL_FORMATS: dict[str, str] = {
    Document.ContentType.PNG: "PNG",
    Document.ContentType.JPEG: "JPEG",
}


def _verify_image(data: bytes, *, content_type: str, file_name: str) -> None:
    corrupt = DocumentRefusedError(
        file_name, "the image is damaged or incomplete and cannot be shown."
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _PIL_FORMATS[content_type]:
                raise corrupt
            image.verify()
        # verify() skips the pixel data; decoding it finds truncated files.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except DocumentRefusedError:
        raise
    except Image.DecompressionBombError as exc:
        raise DocumentRefusedError(
            file_name, "the image has too many pixels to be safe to open."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise corrupt from exc
