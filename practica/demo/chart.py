"""The demo clinic's clinical charts: lists, documents and outcome measures.

One entry point for `load_demo`, after the scheduling seed (the charts follow
the visits it leaves). Each seeder is idempotent on its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from practica.charting.models import Problem
from practica.demo.chart_documents import seed_documents
from practica.demo.chart_lists import seed_chart_lists
from practica.demo.chart_outcomes import seed_outcomes
from practica.documents.models import Document
from practica.outcomes.models import MeasureResponse
from practica.tenancy.models import Clinic


def seed_chart(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    """Fill the demo charts; returns counts for the load summary."""
    with transaction.atomic():
        seed_chart_lists(clinic, today=today)
        seed_outcomes(clinic, today=today)
        seed_documents(clinic, today=today)
    return {
        "charted problems": Problem.objects.filter(clinic=clinic).count(),
        "outcome responses": MeasureResponse.objects.filter(clinic=clinic).count(),
        "documents": Document.objects.filter(clinic=clinic).count(),
    }
