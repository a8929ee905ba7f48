"""The note templates every clinic starts with, one per modality.

Each is installed as version 1 of its key by `services.ensure_shipped_templates`.
A clinic that edits a template gets a new version; notes keep pointing at the
version they were written with.
"""

from __future__ import annotations

from dataclasses import dataclass

from practica.charting.note_fields import TemplateField


@dataclass(frozen=True)
class ShippedTemplate:
    key: str
    name: str
    modality: str
    fields: list[TemplateField]


PHYSIOTHERAPY = ShippedTemplate(
    key="physiotherapy-soap",
    name="Physiotherapy assessment / treatment (SOAP)",
    modality="physiotherapy",
    fields=[
        {
            "name": "chief_complaint",
            "label": "Chief complaint",
            "section": "S",
            "type": "text",
            "required": True,
        },
        {
            "name": "history",
            "label": "History of present condition",
            "section": "S",
            "type": "textarea",
            "help": "Onset, mechanism, course, previous treatment.",
        },
        {
            "name": "pain_nprs",
            "label": "Pain (NPRS 0-10)",
            "section": "S",
            "type": "scale",
            "help": "0 = no pain, 10 = worst imaginable pain.",
        },
        {
            "name": "aggravating_easing",
            "label": "Aggravating / easing factors",
            "section": "S",
            "type": "textarea",
        },
        {
            "name": "observation",
            "label": "Observation",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "rom",
            "label": "Range of motion findings",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "strength",
            "label": "Strength findings",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "special_tests",
            "label": "Special tests",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "palpation",
            "label": "Palpation",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "impression",
            "label": "Clinical impression / diagnosis",
            "section": "A",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "progress",
            "label": "Progress",
            "section": "A",
            "type": "textarea",
        },
        {
            "name": "treatment",
            "label": "Treatment provided",
            "section": "P",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "home_exercises",
            "label": "Home exercise program",
            "section": "P",
            "type": "textarea",
        },
        {
            "name": "plan",
            "label": "Plan / next visit",
            "section": "P",
            "type": "textarea",
        },
        {
            "name": "frequency",
            "label": "Frequency",
            "section": "P",
            "type": "text",
            "help": "For example: 1x/week for 4 weeks.",
        },
    ],
)

MASSAGE = ShippedTemplate(
    key="massage-treatment",
    name="Massage therapy treatment note",
    modality="massage",
    fields=[
        {
            "name": "reason",
            "label": "Reason for visit",
            "section": "S",
            "type": "text",
            "required": True,
        },
        {
            "name": "pain_areas",
            "label": "Pain areas",
            "section": "S",
            "type": "textarea",
        },
        {
            "name": "pressure",
            "label": "Pressure preference",
            "section": "S",
            "type": "choice",
            "choices": ["Light", "Moderate", "Firm", "Deep"],
        },
        {
            "name": "health_changes",
            "label": "Health changes since last visit",
            "section": "S",
            "type": "textarea",
        },
        {
            "name": "areas_treated",
            "label": "Areas treated",
            "section": "O",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "techniques",
            "label": "Techniques used",
            "section": "O",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "tissue_findings",
            "label": "Tissue findings",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "response",
            "label": "Response to treatment",
            "section": "A",
            "type": "textarea",
        },
        {
            "name": "self_care",
            "label": "Self-care / home care",
            "section": "P",
            "type": "textarea",
        },
        {
            "name": "frequency",
            "label": "Recommended frequency",
            "section": "P",
            "type": "text",
        },
    ],
)

FOOT_CARE = ShippedTemplate(
    key="foot-care-soap",
    name="Foot care nursing note (SOAP)",
    modality="foot_care",
    fields=[
        {
            "name": "concerns",
            "label": "Concerns reported",
            "section": "S",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "health_changes",
            "label": "Health changes (diabetes, circulation, medications)",
            "section": "S",
            "type": "textarea",
        },
        {
            "name": "skin_nails",
            "label": "Skin and nail assessment",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "sensation",
            "label": "Sensation (monofilament)",
            "section": "O",
            "type": "choice",
            "choices": ["Intact", "Diminished", "Absent"],
        },
        {
            "name": "circulation",
            "label": "Circulation (pulses, colour, temperature)",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "assessment",
            "label": "Assessment",
            "section": "A",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "care_provided",
            "label": "Care provided",
            "section": "P",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "education",
            "label": "Education given",
            "section": "P",
            "type": "textarea",
        },
        {
            "name": "next_visit",
            "label": "Next visit",
            "section": "P",
            "type": "text",
        },
    ],
)

OCCUPATIONAL_THERAPY = ShippedTemplate(
    key="occupational-therapy-soap",
    name="Occupational therapy note (SOAP)",
    modality="occupational_therapy",
    fields=[
        {
            "name": "client_report",
            "label": "Client report",
            "section": "S",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "functional_observation",
            "label": "Functional observation (ADLs, mobility)",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "measures",
            "label": "Standardized measures",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "assessment",
            "label": "Assessment",
            "section": "A",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "interventions",
            "label": "Interventions provided",
            "section": "P",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "goals",
            "label": "Goals",
            "section": "P",
            "type": "textarea",
        },
        {
            "name": "plan",
            "label": "Plan / next visit",
            "section": "P",
            "type": "textarea",
        },
    ],
)

# Counselling uses DAP: Data (the client's report and the clinician's
# observations) is shown under Subjective / Objective, then Assessment and Plan.
COUNSELLING = ShippedTemplate(
    key="counselling-dap",
    name="Counselling session note (DAP)",
    modality="counselling",
    fields=[
        {
            "name": "data_report",
            "label": "Data: client's report",
            "section": "S",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "data_observations",
            "label": "Data: observations / mental status",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "assessment",
            "label": "Assessment",
            "section": "A",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "risk",
            "label": "Risk level",
            "section": "A",
            "type": "choice",
            "choices": ["None identified", "Low", "Moderate", "High"],
            "required": True,
        },
        {
            "name": "plan",
            "label": "Plan",
            "section": "P",
            "type": "textarea",
            "required": True,
        },
    ],
)

FAMILY_PRACTICE = ShippedTemplate(
    key="general-soap",
    name="General visit note (SOAP)",
    modality="family_practice",
    fields=[
        {
            "name": "subjective",
            "label": "Subjective",
            "section": "S",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "objective",
            "label": "Objective",
            "section": "O",
            "type": "textarea",
        },
        {
            "name": "assessment",
            "label": "Assessment",
            "section": "A",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "plan",
            "label": "Plan",
            "section": "P",
            "type": "textarea",
            "required": True,
        },
    ],
)

SHIPPED_TEMPLATES: tuple[ShippedTemplate, ...] = (
    PHYSIOTHERAPY,
    MASSAGE,
    FOOT_CARE,
    OCCUPATIONAL_THERAPY,
    COUNSELLING,
    FAMILY_PRACTICE,
)

SHIPPED_KEY_BY_MODALITY: dict[str, str] = {t.modality: t.key for t in SHIPPED_TEMPLATES}
