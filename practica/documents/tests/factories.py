"""Factories of the documents app; URL_KWARG_BUILDERS feeds the URL tests.

`make_pdf` and `make_png` build small valid files in memory (synthetic text
only), so tests need no fixtures on disk.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable
from typing import Any

import factory
from PIL import Image

from practica.documents.encryption import encrypt
from practica.documents.models import Document
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import make_clinic


def make_pdf(text: str = "Synthetic referral letter") -> bytes:
    """A one-page PDF showing `text` (ASCII), with a correct xref table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref_at)
    )
    return out.getvalue()


def make_png(size: tuple[int, int] = (8, 8), color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def make_jpeg(size: tuple[int, int] = (8, 8), color: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document sealed with the active key. Pass `content=` bytes
    (default: a small PDF); the digest, size and ciphertext follow from it."""

    class Meta:
        model = Document

    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    category = Document.Category.REFERRAL
    title = factory.Sequence(lambda n: f"Referral letter {n}")
    original_name = factory.Sequence(lambda n: f"referral-{n}.pdf")
    content_type = Document.ContentType.PDF
    content = factory.LazyFunction(make_pdf)
    extracted_text = "Synthetic referral letter"

    @classmethod
    def _create(
        cls, model_class: type[Document], *args: Any, **kwargs: Any
    ) -> Document:
        content: bytes = kwargs.pop("content", None) or make_pdf()
        document_id = kwargs.pop("id", None) or uuid.uuid4()
        clinic = kwargs["clinic"]
        sealed = encrypt(content, document_id=document_id, clinic_id=clinic.pk)
        kwargs.update(
            id=document_id,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            key_id=sealed.key_id,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )
        return super()._create(model_class, *args, **kwargs)


def _document_id(clinic: Clinic) -> object:
    return DocumentFactory(clinic=clinic).id


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "document_id": _document_id,
}
