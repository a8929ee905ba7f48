"""Clinic forms and e-consents: a form builder for intake questionnaires,
health history and consents; immutable, versioned submissions with a drawn
signature and a PDF, shown on the chart; answers mapped into the chart on a
clinician's acceptance."""
