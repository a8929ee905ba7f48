from __future__ import annotations

import pytest

from practica.charting.models import NoteTemplate
from practica.charting.services import ensure_shipped_templates
from practica.tenancy.models import Clinic


@pytest.fixture
def physio_template(clinic: Clinic) -> NoteTemplate:
    return next(
        t
        for t in ensure_shipped_templates(clinic=clinic)
        if t.key == "physiotherapy-soap"
    )
