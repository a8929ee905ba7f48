"""The forms every clinic starts with, installed as version 1 on first use
(`services.ensure_shipped_forms`). A clinic edits them in the form builder,
which saves new versions; these definitions never change an installed row.

The privacy consent follows the clinic's country: PIPEDA (and Ontario's PHIPA)
in Canada, the HIPAA notice of privacy practices acknowledgement in the US.
The legal texts are plain-language starting points for a clinic to review
with its own adviser, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practica.intake.form_fields import FormField
from practica.intake.models import FormKind

LEGAL_DIR = Path(__file__).resolve().parent / "legal"


def _legal(name: str) -> str:
    """A shipped legal text, kept as plain text beside this module."""
    return (LEGAL_DIR / name).read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class ShippedForm:
    key: str
    kind: str
    title: str
    description: str
    fields: tuple[FormField, ...]
    legal_text: str = ""
    legal_text_us: str = ""  # when it differs for a clinic in the United States

    def legal_text_for(self, country: str) -> str:
        if country == "US" and self.legal_text_us:
            return self.legal_text_us
        return self.legal_text


CONDITION_CODES: dict[str, str] = {
    "Diabetes (type 2)": "E11.9",
    "High blood pressure": "I10",
    "High cholesterol": "E78.5",
    "Asthma": "J45.909",
    "COPD": "J44.9",
    "Heart disease": "I25.10",
    "Atrial fibrillation": "I48.91",
    "Osteoarthritis": "M19.90",
    "Rheumatoid arthritis": "M06.9",
    "Osteoporosis": "M81.0",
    "Migraine": "G43.909",
    "Thyroid (underactive)": "E03.9",
    "Kidney disease": "N18.9",
    "Reflux (GERD)": "K21.9",
    "Anxiety": "F41.1",
    "Depression": "F32.A",
}

AGREE = "I have read and understood this consent and agree to it."

INTAKE = ShippedForm(
    key="new-patient-intake",
    kind=FormKind.INTAKE,
    title="New patient intake questionnaire",
    description=(
        "Please tell us about the reason for your visit. Your answers go to "
        "your clinician and are kept in your confidential health record."
    ),
    fields=(
        {
            "name": "reason_for_visit",
            "label": "What brings you in today?",
            "section": "Your visit",
            "type": "textarea",
            "required": True,
        },
        {
            "name": "symptoms_started_on",
            "label": "When did it start?",
            "section": "Your visit",
            "type": "date",
            "help": "An approximate date is fine.",
        },
        {
            "name": "pain_now",
            "label": "Pain right now (0 = none, 10 = worst imaginable)",
            "section": "Your visit",
            "type": "scale",
        },
        {
            "name": "goals",
            "label": "What would you like to be able to do again?",
            "section": "Your visit",
            "type": "textarea",
        },
        {
            "name": "allergies",
            "label": "Allergies",
            "section": "Your health",
            "type": "textarea",
            "help": "One per line, with the reaction: e.g. Penicillin - rash.",
            "maps_to": "allergy",
        },
        {
            "name": "medications",
            "label": "Medications you take",
            "section": "Your health",
            "type": "textarea",
            "help": "One per line, with the dose if you know it.",
            "maps_to": "medication",
        },
        {
            "name": "occupation",
            "label": "Occupation",
            "section": "About you",
            "type": "text",
        },
        {
            "name": "referred_by",
            "label": "How did you hear about us?",
            "section": "About you",
            "type": "choice",
            "choices": [
                "My doctor",
                "Friend or family",
                "Online search",
                "Insurance provider",
                "Other",
            ],
        },
    ),
)

HEALTH_HISTORY = ShippedForm(
    key="health-history",
    kind=FormKind.HEALTH_HISTORY,
    title="Health history",
    description=(
        "This helps your clinician treat you safely. Answer what you know; "
        "your clinician will go over it with you."
    ),
    fields=(
        {
            "name": "conditions",
            "label": "Do you have, or have you had, any of these conditions?",
            "section": "Conditions",
            "type": "checklist",
            "choices": list(CONDITION_CODES),
            "maps_to": "problem",
            "codes": dict(CONDITION_CODES),
        },
        {
            "name": "other_conditions",
            "label": "Other conditions",
            "section": "Conditions",
            "type": "textarea",
            "help": "One per line.",
            "maps_to": "history:past_condition",
        },
        {
            "name": "surgeries",
            "label": "Surgeries and hospital stays",
            "section": "Surgeries",
            "type": "textarea",
            "help": "One per line, with the year: e.g. Knee arthroscopy 2019.",
            "maps_to": "history:surgery",
        },
        {
            "name": "medications",
            "label": "Current medications",
            "section": "Medications and allergies",
            "type": "textarea",
            "help": "One per line, with the dose if you know it.",
            "maps_to": "medication",
        },
        {
            "name": "allergies",
            "label": "Allergies",
            "section": "Medications and allergies",
            "type": "textarea",
            "help": "One per line, with the reaction: e.g. Latex - hives.",
            "maps_to": "allergy",
        },
        {
            "name": "family_history",
            "label": "Conditions in your close family",
            "section": "Family and lifestyle",
            "type": "textarea",
            "help": "One per line: e.g. Mother - diabetes.",
            "maps_to": "history:family",
        },
        {
            "name": "smoking",
            "label": "Smoking",
            "section": "Family and lifestyle",
            "type": "choice",
            "choices": ["Never", "Former", "Current"],
            "required": True,
            "maps_to": "history:social",
        },
        {
            "name": "pregnant",
            "label": "Are you pregnant or could you be?",
            "section": "Family and lifestyle",
            "type": "choice",
            "choices": ["No", "Yes", "Not sure", "Not applicable"],
        },
    ),
)

CONSENT_TREATMENT = ShippedForm(
    key="consent-assessment-treatment",
    kind=FormKind.CONSENT,
    title="Consent to assessment and treatment",
    description="Please read this consent carefully before you sign.",
    fields=(
        {
            "name": "agreement",
            "label": "Agreement",
            "section": "Your consent",
            "type": "checklist",
            "choices": [AGREE],
            "required": True,
        },
    ),
    legal_text=_legal("consent-assessment-treatment.txt"),
)

CONSENT_PRIVACY = ShippedForm(
    key="privacy-consent",
    kind=FormKind.CONSENT,
    title="Privacy consent",
    description="How we collect, use and protect your personal health information.",
    fields=(
        {
            "name": "acknowledgement",
            "label": "Acknowledgement",
            "section": "Your consent",
            "type": "checklist",
            "choices": [
                "I have read and understood how my information is collected, used "
                "and disclosed, and I consent to it."
            ],
            "required": True,
        },
        {
            "name": "contact_by",
            "label": "You may contact me about appointments by",
            "section": "Contact preferences",
            "type": "checklist",
            "choices": ["Email", "Text message", "Phone call"],
        },
    ),
    legal_text=_legal("privacy-consent-ca.txt"),
    legal_text_us=_legal("privacy-consent-us.txt"),
)

CONSENT_TELEHEALTH = ShippedForm(
    key="telehealth-consent",
    kind=FormKind.CONSENT,
    title="Telehealth consent",
    description="For appointments held by secure video or phone.",
    fields=(
        {
            "name": "location",
            "label": "Where you will usually be during sessions (province or state)",
            "section": "Your sessions",
            "type": "text",
            "required": True,
        },
        {
            "name": "agreement",
            "label": "Agreement",
            "section": "Your consent",
            "type": "checklist",
            "choices": [AGREE],
            "required": True,
        },
    ),
    legal_text=_legal("telehealth-consent.txt"),
)

SHIPPED_FORMS: tuple[ShippedForm, ...] = (
    INTAKE,
    HEALTH_HISTORY,
    CONSENT_TREATMENT,
    CONSENT_PRIVACY,
    CONSENT_TELEHEALTH,
)
SHIPPED_BY_KEY = {form.key: form for form in SHIPPED_FORMS}
