"""The demo clinic's clinical charts: builder-made note templates, the
clinical lists, outcome measures, lab results, treatment plans, documents,
signed forms and consents, supervised notes awaiting co-signature, and the
clinic's own procedure code list.

One entry point for `load_demo`, after the scheduling seed (the charts follow
the visits it leaves). Each seeder is idempotent on its own; the order
matters where one reads what another wrote: labs look for the diabetic
patient the lists chart, plans point their goals at the outcome series.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from practica.billing.models import ProcedureCode
from practica.charting.models import NoteCosignature, Problem
from practica.demo.chart_codes import seed_procedure_codes
from practica.demo.chart_cosign import seed_cosign
from practica.demo.chart_documents import seed_documents
from practica.demo.chart_forms import seed_forms
from practica.demo.chart_labs import seed_labs
from practica.demo.chart_lists import seed_chart_lists
from practica.demo.chart_outcomes import seed_outcomes
from practica.demo.chart_plans import seed_plans
from practica.demo.chart_templates import seed_note_templates
from practica.documents.models import Document
from practica.intake.models import FormSubmission
from practica.labs.models import LabResult
from practica.outcomes.models import MeasureResponse
from practica.plans.models import TreatmentPlan
from practica.tenancy.models import Clinic


def seed_chart(clinic: Clinic, *, today: dt.date) -> dict[str, int]:
    """Fill the demo charts; returns counts for the load summary."""
    with transaction.atomic():
        seed_note_templates(clinic, today=today)
        seed_chart_lists(clinic, today=today)
        seed_outcomes(clinic, today=today)
        seed_labs(clinic, today=today)
        seed_plans(clinic, today=today)
        seed_documents(clinic, today=today)
        seed_forms(clinic, today=today)
        seed_cosign(clinic, today=today)
        seed_procedure_codes(clinic, today=today)
    return {
        "charted problems": Problem.objects.filter(clinic=clinic).count(),
        "outcome responses": MeasureResponse.objects.filter(clinic=clinic).count(),
        "lab results": LabResult.objects.filter(clinic=clinic).count(),
        "treatment plans": TreatmentPlan.objects.filter(clinic=clinic).count(),
        "documents": Document.objects.filter(clinic=clinic).count(),
        "signed forms": FormSubmission.objects.filter(clinic=clinic).count(),
        "co-signatures": NoteCosignature.objects.filter(clinic=clinic).count(),
        "procedure codes": ProcedureCode.objects.filter(clinic=clinic).count(),
    }
