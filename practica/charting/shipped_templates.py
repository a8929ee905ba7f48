"""The note templates every clinic starts with, per modality.

Each is installed as version 1 of its key by `services.ensure_shipped_templates`.
A clinic that edits a template gets a new version; notes keep pointing at the
version they were written with.

A modality may ship an initial-assessment template and a follow-up template:
a patient's first note of the modality defaults to the first, later notes to
the second (`INITIAL_KEY_BY_MODALITY`, `FOLLOW_UP_KEY_BY_MODALITY`).
"""

from __future__ import annotations

from dataclasses import dataclass

from practica.charting.note_fields import CellType, FieldType, TemplateField


@dataclass(frozen=True)
class ShippedTemplate:
    key: str
    name: str
    modality: str
    fields: list[TemplateField]


def _field(
    name: str,
    label: str,
    section: str,
    kind: FieldType,
    *,
    required: bool = False,
    help: str = "",
    choices: list[str] | None = None,
    rows: list[str] | None = None,
    columns: list[str] | None = None,
    cell: CellType | None = None,
) -> TemplateField:
    field: TemplateField = {
        "name": name,
        "label": label,
        "section": section,
        "type": kind,
    }
    if required:
        field["required"] = True
    if choices is not None:
        field["choices"] = choices
    if rows is not None:
        field["rows"] = rows
    if columns is not None:
        field["columns"] = columns
    if cell is not None:
        field["cell"] = cell
    if help:
        field["help"] = help
    return field


NPRS_HELP = "0 = no pain, 10 = worst imaginable pain."
ROM_ROWS = [
    "Flexion",
    "Extension",
    "Abduction",
    "Adduction",
    "Internal rotation",
    "External rotation",
    "Side flexion",
    "Rotation",
]
ROM_COLUMNS = ["Left (°)", "Right (°)", "Normal (°)"]
STRENGTH_ROWS = [
    "Flexion",
    "Extension",
    "Abduction",
    "Adduction",
    "Internal rotation",
    "External rotation",
]
STRENGTH_COLUMNS = ["Left (/5)", "Right (/5)"]
ROM_HELP = "Active range in degrees; leave rows that do not apply empty."
STRENGTH_HELP = "Manual muscle test, 0-5 (4+/5 allowed)."

PHYSIOTHERAPY = ShippedTemplate(
    key="physiotherapy-soap",
    name="Physiotherapy initial assessment (SOAP)",
    modality="physiotherapy",
    fields=[
        _field("chief_complaint", "Chief complaint", "S", "text", required=True),
        _field("pain_regions", "Area of symptoms", "S", "body_region"),
        _field(
            "history",
            "History of present condition",
            "S",
            "textarea",
            help="Onset, mechanism, course, previous treatment.",
        ),
        _field("onset_on", "Date of onset", "S", "date"),
        _field("pain_nprs", "Pain (NPRS 0-10)", "S", "scale", help=NPRS_HELP),
        _field("aggravating_easing", "Aggravating / easing factors", "S", "textarea"),
        _field(
            "red_flags",
            "Red flags screened",
            "S",
            "checklist",
            choices=[
                "Night pain",
                "Unexplained weight loss",
                "Bladder or bowel change",
                "Saddle anaesthesia",
                "Fever or unwell",
                "Significant trauma",
                "History of cancer",
            ],
            help="Tick any present; leave empty when none.",
        ),
        _field("patient_goals", "Patient's goals", "S", "text"),
        _field("observation", "Observation", "O", "textarea"),
        _field(
            "rom_table",
            "Range of motion",
            "O",
            "table",
            rows=ROM_ROWS,
            columns=ROM_COLUMNS,
            cell="number",
            help=ROM_HELP,
        ),
        _field("rom", "Range of motion findings", "O", "textarea"),
        _field(
            "strength_table",
            "Strength",
            "O",
            "table",
            rows=STRENGTH_ROWS,
            columns=STRENGTH_COLUMNS,
            help=STRENGTH_HELP,
        ),
        _field("strength", "Strength findings", "O", "textarea"),
        _field("special_tests", "Special tests", "O", "textarea"),
        _field("palpation", "Palpation", "O", "textarea"),
        _field(
            "impression",
            "Clinical impression / diagnosis",
            "A",
            "textarea",
            required=True,
        ),
        _field("progress", "Prognosis / progress", "A", "textarea"),
        _field("treatment", "Treatment provided", "P", "textarea", required=True),
        _field("home_exercises", "Home exercise program", "P", "textarea"),
        _field("plan", "Plan / next visit", "P", "textarea"),
        _field(
            "frequency",
            "Frequency",
            "P",
            "text",
            help="For example: 1x/week for 4 weeks.",
        ),
    ],
)

PHYSIOTHERAPY_FOLLOW_UP = ShippedTemplate(
    key="physiotherapy-follow-up",
    name="Physiotherapy follow-up (SOAP)",
    modality="physiotherapy",
    fields=[
        _field("subjective", "Since last visit", "S", "textarea", required=True),
        _field("pain_nprs", "Pain (NPRS 0-10)", "S", "scale", help=NPRS_HELP),
        _field("pain_regions", "Area of symptoms", "S", "body_region"),
        _field(
            "exercise_adherence",
            "Home exercises done",
            "S",
            "choice",
            choices=["Daily", "Most days", "Some days", "Not done"],
        ),
        _field("reassessment", "Reassessment findings", "O", "textarea"),
        _field(
            "rom_table",
            "Range of motion",
            "O",
            "table",
            rows=ROM_ROWS,
            columns=ROM_COLUMNS,
            cell="number",
            help=ROM_HELP,
        ),
        _field(
            "strength_table",
            "Strength",
            "O",
            "table",
            rows=STRENGTH_ROWS,
            columns=STRENGTH_COLUMNS,
            help=STRENGTH_HELP,
        ),
        _field("impression", "Assessment / progress", "A", "textarea", required=True),
        _field(
            "progress_status",
            "Progress towards goals",
            "A",
            "choice",
            choices=["Improving", "As expected", "Plateau", "Worse"],
        ),
        _field("treatment", "Treatment provided", "P", "textarea", required=True),
        _field("home_exercises", "Home exercise program", "P", "textarea"),
        _field("plan", "Plan / next visit", "P", "textarea"),
    ],
)

MASSAGE = ShippedTemplate(
    key="massage-treatment",
    name="Massage therapy treatment note",
    modality="massage",
    fields=[
        _field("reason", "Reason for visit", "S", "text", required=True),
        _field("pain_areas", "Pain areas", "S", "textarea"),
        _field(
            "pressure",
            "Pressure preference",
            "S",
            "choice",
            choices=["Light", "Moderate", "Firm", "Deep"],
        ),
        _field("health_changes", "Health changes since last visit", "S", "textarea"),
        _field("areas_treated", "Areas treated", "O", "body_region", required=True),
        _field(
            "techniques",
            "Techniques used",
            "O",
            "checklist",
            required=True,
            choices=[
                "Swedish",
                "Deep tissue",
                "Trigger point release",
                "Myofascial release",
                "Muscle stripping",
                "PNF stretching",
                "Joint mobilisation",
                "Lymphatic drainage",
                "Hydrotherapy (heat / cold)",
            ],
        ),
        _field("tissue_findings", "Tissue findings", "O", "textarea"),
        _field(
            "response",
            "Response to treatment",
            "A",
            "choice",
            choices=[
                "Tension reduced",
                "Partly relieved",
                "No change",
                "Increased discomfort",
            ],
        ),
        _field("response_notes", "Response notes", "A", "textarea"),
        _field("self_care", "Self-care / home care", "P", "textarea"),
        _field("frequency", "Recommended frequency", "P", "text"),
    ],
)

FOOT_CARE = ShippedTemplate(
    key="foot-care-soap",
    name="Foot care nursing assessment",
    modality="foot_care",
    fields=[
        _field("concerns", "Concerns reported", "S", "textarea", required=True),
        _field(
            "health_changes",
            "Health changes (diabetes, circulation, medications)",
            "S",
            "textarea",
        ),
        _field(
            "pulses",
            "Pedal pulses",
            "Foot assessment",
            "table",
            rows=["Dorsalis pedis", "Posterior tibial"],
            columns=["Left", "Right"],
            help="Palpable, faint or absent.",
        ),
        _field(
            "circulation",
            "Circulation (colour, temperature, capillary refill)",
            "Foot assessment",
            "textarea",
        ),
        _field(
            "sensation",
            "Sensation (10 g monofilament)",
            "Foot assessment",
            "choice",
            choices=["Intact", "Diminished", "Absent"],
        ),
        _field(
            "monofilament_missed",
            "Monofilament sites not felt",
            "Foot assessment",
            "checklist",
            choices=[
                "Left great toe",
                "Left 1st metatarsal head",
                "Left 3rd metatarsal head",
                "Left 5th metatarsal head",
                "Right great toe",
                "Right 1st metatarsal head",
                "Right 3rd metatarsal head",
                "Right 5th metatarsal head",
            ],
            help="Leave empty when every site is felt.",
        ),
        _field(
            "nail_findings",
            "Nail findings",
            "Nails and skin",
            "checklist",
            choices=[
                "Thickened (onychauxis)",
                "Fungal changes (onychomycosis)",
                "Ingrown (onychocryptosis)",
                "Involuted",
                "Discoloured",
                "Overgrown",
            ],
        ),
        _field(
            "skin_findings",
            "Skin findings",
            "Nails and skin",
            "checklist",
            choices=[
                "Dry skin",
                "Callus",
                "Corn",
                "Fissures",
                "Maceration between toes",
                "Redness",
                "Oedema",
                "Ulcer",
            ],
        ),
        _field("finding_sites", "Sites of findings", "Nails and skin", "body_region"),
        _field("skin_nails", "Skin and nail notes", "Nails and skin", "textarea"),
        _field("assessment", "Assessment", "A", "textarea", required=True),
        _field(
            "risk_level",
            "Foot risk level",
            "A",
            "choice",
            required=True,
            choices=["Very low", "Low", "Moderate", "High"],
            help="IWGDF risk category 0-3.",
        ),
        _field("care_provided", "Care provided", "P", "textarea", required=True),
        _field("education", "Education given", "P", "textarea"),
        _field("next_visit", "Next visit", "P", "text"),
    ],
)

ADL_ROWS = [
    "Feeding",
    "Grooming",
    "Bathing",
    "Dressing - upper body",
    "Dressing - lower body",
    "Toileting",
    "Transfers",
    "Meal preparation",
    "Household tasks",
    "Community mobility",
]

OCCUPATIONAL_THERAPY = ShippedTemplate(
    key="occupational-therapy-soap",
    name="Occupational therapy assessment",
    modality="occupational_therapy",
    fields=[
        _field(
            "client_report",
            "Client report / reason for referral",
            "S",
            "textarea",
            required=True,
        ),
        _field(
            "occupational_performance",
            "Occupational performance (self-care, productivity, leisure)",
            "S",
            "textarea",
        ),
        _field(
            "adl_table",
            "Activities of daily living",
            "O",
            "table",
            rows=ADL_ROWS,
            columns=["Level of assistance", "Comments"],
            help="Independent, set-up, supervision, minimal, moderate or maximal.",
        ),
        _field(
            "functional_observation",
            "Functional observation (ADLs, mobility)",
            "O",
            "textarea",
        ),
        _field("measures", "Standardized measures", "O", "textarea"),
        _field(
            "environment",
            "Home / work environment",
            "O",
            "checklist",
            choices=[
                "Stairs at entrance",
                "Stairs inside the home",
                "Grab bars",
                "Raised toilet seat",
                "Tub transfer bench",
                "Lives alone",
                "Caregiver support",
            ],
        ),
        _field("assessment", "Assessment", "A", "textarea", required=True),
        _field("goals", "Goals", "P", "textarea"),
        _field(
            "interventions", "Interventions provided", "P", "textarea", required=True
        ),
        _field("plan", "Plan / next visit", "P", "textarea"),
    ],
)

OCCUPATIONAL_THERAPY_FOLLOW_UP = ShippedTemplate(
    key="occupational-therapy-follow-up",
    name="Occupational therapy follow-up (SOAP)",
    modality="occupational_therapy",
    fields=[
        _field("client_report", "Client report", "S", "textarea", required=True),
        _field(
            "functional_observation",
            "Functional observation (ADLs, mobility)",
            "O",
            "textarea",
        ),
        _field("measures", "Standardized measures", "O", "textarea"),
        _field("assessment", "Assessment", "A", "textarea", required=True),
        _field(
            "goal_progress",
            "Progress towards goals",
            "A",
            "choice",
            choices=["Goal met", "Progressing", "No change", "Regressed"],
        ),
        _field(
            "interventions", "Interventions provided", "P", "textarea", required=True
        ),
        _field("plan", "Plan / next visit", "P", "textarea"),
    ],
)

RISK_LEVELS = ["None identified", "Low", "Moderate", "High"]

# Counselling follow-up sessions use DAP: Data (the client's report and the
# clinician's observations), Assessment, Plan.
COUNSELLING = ShippedTemplate(
    key="counselling-dap",
    name="Counselling session note (DAP)",
    modality="counselling",
    fields=[
        _field("data_report", "Client's report", "Data", "textarea", required=True),
        _field(
            "data_observations",
            "Observations / mental status",
            "Data",
            "textarea",
        ),
        _field(
            "mood",
            "Mood (client-rated 0-10)",
            "Data",
            "scale",
            help="0 = very low, 10 = very good.",
        ),
        _field("assessment", "Assessment", "Assessment", "textarea", required=True),
        _field(
            "risk",
            "Risk level",
            "Assessment",
            "choice",
            choices=RISK_LEVELS,
            required=True,
        ),
        _field("plan", "Plan", "Plan", "textarea", required=True),
        _field("next_session_on", "Next session", "Plan", "date"),
    ],
)

COUNSELLING_SOAP = ShippedTemplate(
    key="counselling-soap-risk",
    name="Counselling session note (SOAP with risk assessment)",
    modality="counselling",
    fields=[
        _field("client_report", "Client's report", "S", "textarea", required=True),
        _field(
            "mood",
            "Mood (client-rated 0-10)",
            "S",
            "scale",
            help="0 = very low, 10 = very good.",
        ),
        _field("mental_status", "Mental status / observations", "O", "textarea"),
        _field(
            "suicidal_ideation",
            "Suicidal ideation",
            "Risk assessment",
            "choice",
            required=True,
            choices=["None", "Passive", "Active, no plan", "Active, with plan"],
        ),
        _field(
            "si_plan",
            "Plan",
            "Risk assessment",
            "choice",
            choices=["No", "Yes", "Not assessed"],
        ),
        _field(
            "si_intent",
            "Intent",
            "Risk assessment",
            "choice",
            choices=["No", "Yes", "Not assessed"],
        ),
        _field(
            "access_to_means",
            "Access to means",
            "Risk assessment",
            "choice",
            choices=["No", "Yes", "Not assessed"],
        ),
        _field(
            "protective_factors",
            "Protective factors",
            "Risk assessment",
            "checklist",
            choices=[
                "Family support",
                "Friends / community",
                "Children in the home",
                "Faith or spiritual beliefs",
                "Future plans and goals",
                "Engaged in treatment",
                "Pets",
                "Work or school",
            ],
        ),
        _field(
            "risk",
            "Risk level",
            "Risk assessment",
            "choice",
            required=True,
            choices=RISK_LEVELS,
        ),
        _field(
            "safety_plan",
            "Safety plan / actions taken",
            "Risk assessment",
            "textarea",
        ),
        _field("assessment", "Assessment", "A", "textarea", required=True),
        _field("plan", "Plan", "P", "textarea", required=True),
        _field("next_session_on", "Next session", "P", "date"),
    ],
)

FAMILY_PRACTICE = ShippedTemplate(
    key="general-soap",
    name="General visit note (SOAP)",
    modality="family_practice",
    fields=[
        _field("subjective", "Subjective", "S", "textarea", required=True),
        _field("objective", "Objective", "O", "textarea"),
        _field("assessment", "Assessment", "A", "textarea", required=True),
        _field("plan", "Plan", "P", "textarea", required=True),
    ],
)

# The first six keep the order they shipped in; later additions go after them.
SHIPPED_TEMPLATES: tuple[ShippedTemplate, ...] = (
    PHYSIOTHERAPY,
    MASSAGE,
    FOOT_CARE,
    OCCUPATIONAL_THERAPY,
    COUNSELLING,
    FAMILY_PRACTICE,
    PHYSIOTHERAPY_FOLLOW_UP,
    OCCUPATIONAL_THERAPY_FOLLOW_UP,
    COUNSELLING_SOAP,
)

# The template of a patient's first note of a modality.
INITIAL_KEY_BY_MODALITY: dict[str, str] = {
    "physiotherapy": PHYSIOTHERAPY.key,
    "massage": MASSAGE.key,
    "foot_care": FOOT_CARE.key,
    "occupational_therapy": OCCUPATIONAL_THERAPY.key,
    "counselling": COUNSELLING_SOAP.key,
    "family_practice": FAMILY_PRACTICE.key,
}
# The template of later notes, where it differs from the initial one.
FOLLOW_UP_KEY_BY_MODALITY: dict[str, str] = {
    "physiotherapy": PHYSIOTHERAPY_FOLLOW_UP.key,
    "occupational_therapy": OCCUPATIONAL_THERAPY_FOLLOW_UP.key,
    "counselling": COUNSELLING.key,
}
SHIPPED_KEY_BY_MODALITY = INITIAL_KEY_BY_MODALITY
