"""Factories of the intake app; URL_KWARG_BUILDERS feeds the URL tests.

`FormSubmissionFactory` inserts a submission row directly (a tiny PDF
placeholder); tests of submitting go through `submit_form`. `make_signature`
draws a synthetic signature PNG.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import factory
from django.utils import timezone
from PIL import Image, ImageDraw

from practica.intake.models import FormDefinition, FormKind, FormSubmission
from practica.intake.services import answers_digest
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic
from practica.tenancy.tests.factories import make_clinic


def make_signature(size: tuple[int, int] = (300, 100), *, blank: bool = False) -> bytes:
    """A transparent PNG with a scribble on it (or nothing, `blank`)."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        width, height = size
        points = [
            (int(width * x / 10), int(height * (0.5 + (0.3 if x % 2 else -0.3))))
            for x in range(1, 10)
        ]
        draw.line(points, fill=(20, 30, 60, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


SIMPLE_FIELDS = [
    {
        "name": "reason",
        "label": "Reason for visit",
        "section": "Your visit",
        "type": "textarea",
        "required": True,
    },
    {
        "name": "allergies",
        "label": "Allergies",
        "section": "Your health",
        "type": "textarea",
        "maps_to": "allergy",
    },
]


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormDefinition

    clinic = factory.LazyFunction(make_clinic)
    key = factory.Sequence(lambda n: f"custom-form-{n}")
    version = 1
    kind = FormKind.INTAKE
    title = factory.Sequence(lambda n: f"Custom form {n}")
    fields = factory.LazyFunction(lambda: [dict(f) for f in SIMPLE_FIELDS])


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormSubmission

    clinic = factory.LazyFunction(make_clinic)
    patient = factory.SubFactory(
        PatientFactory, clinic=factory.SelfAttribute("..clinic")
    )
    definition = factory.SubFactory(
        FormDefinitionFactory, clinic=factory.SelfAttribute("..clinic")
    )
    form_key = factory.SelfAttribute("definition.key")
    form_version = factory.SelfAttribute("definition.version")
    kind = factory.SelfAttribute("definition.kind")
    title = factory.SelfAttribute("definition.title")
    answers = factory.LazyFunction(
        lambda: {"reason": "Sore knee", "allergies": "Latex - hives"}
    )
    answers_sha256 = factory.LazyAttribute(lambda o: answers_digest(o.answers))
    signed_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(hours=1)
    )
    pdf = b"%PDF-1.4\n% synthetic placeholder\n%%EOF\n"
    pdf_sha256 = "0" * 64


def _form_key(clinic: Clinic) -> object:
    return FormDefinitionFactory(clinic=clinic).key


def _submission_id(clinic: Clinic) -> object:
    return FormSubmissionFactory(clinic=clinic).id


URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {
    "submission_id": _submission_id,
    "form_key": _form_key,
}
