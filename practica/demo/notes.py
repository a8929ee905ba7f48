"""The demo clinic's treatment notes: which shipped template each visit's
note uses, and plausible content for it, picked at random.

A patient's first note of a modality uses the modality's initial assessment,
later notes its follow-up template (`NoteTemplatePicker`). `note_content`
fills every field of a template in its type's stored shape: one clinical
"case" per note keeps the complaint, body regions, impression and the ROM and
strength tables consistent. Keys are the field names of
`practica.charting.shipped_templates`; a field this module does not know gets
a neutral phrase for its section (or an empty value of its type), so a
template that gains a field still produces a valid note.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

from practica.charting.models import NoteTemplate
from practica.charting.note_fields import BODY_REGIONS, ContentValue, TableValue
from practica.charting.shipped_templates import (
    FOLLOW_UP_KEY_BY_MODALITY,
    INITIAL_KEY_BY_MODALITY,
)

# fmt: off
PHRASES: dict[str, tuple[str, ...]] = {
    # Physiotherapy
    "chief_complaint": (
        "Low back pain after lifting", "Right shoulder pain reaching overhead",
        "Left knee pain on stairs", "Neck stiffness with headaches",
        "Ankle sprain playing soccer", "Post-op rehab, right ACL reconstruction",
        "Plantar heel pain in the mornings", "Tennis elbow, left arm",
    ),
    "history": (
        "Gradual onset over 3 weeks, no trauma. Worse with desk work.",
        "Sudden onset while gardening 10 days ago. Seen by family physician, "
        "no imaging.",
        "Recurrent episodes for 2 years; this one began after a long drive.",
        "Inversion injury 2 weeks ago, swelling settling, walking without aids.",
    ),
    "aggravating_easing": (
        "Worse with sitting > 30 min and bending; eased by walking and heat.",
        "Aggravated by overhead reaching; eased by rest and ice.",
        "Stairs and squatting aggravate; easing with gentle cycling.",
    ),
    "observation": (
        "Antalgic gait, mild guarding of lumbar spine.",
        "Forward head posture, rounded shoulders.",
        "Mild swelling lateral ankle, no bruising.",
        "No visible deformity; moves freely on and off the plinth.",
    ),
    "rom": (
        "Lumbar flexion 60% with pain at end range; extension full.",
        "Shoulder flexion 150°, abduction 140° with painful arc 80-120°.",
        "Knee flexion 125°, extension full, pain at end flexion.",
        "Cervical rotation R 60°, L 70°; side flexion limited bilaterally.",
    ),
    "strength": (
        "Hip abductors 4/5 bilaterally; core endurance reduced.",
        "Rotator cuff external rotation 4/5 with pain.",
        "Quadriceps 4+/5, calf raises 15 single-leg reps.",
        "Grip strength reduced on the left.",
    ),
    "special_tests": (
        "SLR negative bilaterally; slump negative.",
        "Hawkins-Kennedy positive, Neer positive, empty can negative.",
        "Lachman negative, McMurray negative.",
        "Anterior drawer negative, talar tilt mildly positive.",
    ),
    "palpation": (
        "Tender L4-L5 paraspinals, increased tone right QL.",
        "Tender supraspinatus insertion.",
        "Tender medial joint line.",
        "Tender ATFL, no bony tenderness (Ottawa rules negative).",
    ),
    "impression": (
        "Mechanical low back pain, no red flags.",
        "Rotator cuff related shoulder pain.",
        "Patellofemoral pain syndrome.",
        "Grade I-II lateral ankle sprain.",
        "Cervicogenic headache with facet irritation.",
    ),
    "progress": (
        "Improving: pain down 2 points since last visit.",
        "Steady progress, exercises done most days.",
        "Plateau this week; adjust loading.",
        "First visit; baseline measures recorded.",
    ),
    "treatment": (
        "Joint mobilisation grade III, soft tissue release, exercise review.",
        "Manual therapy, IFC 15 min, taping, HEP progression.",
        "Education on load management, graded strengthening, dry needling.",
        "Balance and proprioception training, ankle strengthening.",
    ),
    "home_exercises": (
        "Cat-camel x10, bird-dog 3x10, glute bridges 3x12 daily.",
        "Band external rotation 3x15, scapular setting, doorway stretch.",
        "Wall sits 3x30 s, step-downs 3x10, clamshells 3x15.",
        "Single-leg balance 3x30 s, heel raises 3x15.",
    ),
    "plan": (
        "Review in 1 week; progress loading as tolerated.",
        "Continue current plan; reassess outcome measures in 4 weeks.",
        "Discharge planning if goals met at next visit.",
    ),
    "frequency": ("1x/week for 4 weeks", "2x/week for 3 weeks", "Every 2 weeks",
                  "Monthly maintenance"),
    # Massage therapy
    "reason": ("Tension in neck and shoulders", "Low back tightness",
               "Maintenance massage", "Sports recovery after marathon training",
               "Headaches related to stress"),
    "pain_areas": ("Upper trapezius and levator scapulae bilaterally.",
                   "Lumbar erectors and gluteals.", "Hamstrings and calves.",
                   "Suboccipitals and SCM."),
    "health_changes": ("No changes since last visit.",
                       "New blood pressure medication, well controlled.",
                       "Recovering from a cold, no fever.",
                       "No changes; diabetes well controlled."),
    "areas_treated": ("Back, neck and shoulders.", "Full body excluding abdomen.",
                      "Lower limbs and gluteals.", "Neck, shoulders and scalp."),
    "techniques": ("Swedish, trigger point release, myofascial release.",
                   "Deep tissue, PNF stretching.",
                   "Effleurage, petrissage, muscle stripping."),
    "tissue_findings": ("Hypertonic upper traps with active trigger points.",
                        "Adhesions in the IT band region.",
                        "Tone decreased through the session."),
    "response": ("Reported reduced tension and improved range of motion.",
                 "Tolerated well; mild soreness expected for 24 h.",
                 "Headache eased by the end of treatment."),
    "self_care": ("Heat 15 min daily, upper trap stretch 3x30 s.",
                  "Hydrate, foam roll calves and quads.",
                  "Ergonomic review of workstation advised."),
    # Foot care nursing
    "concerns": ("Thickened toenails difficult to trim.",
                 "Painful corn on the left fifth toe.",
                 "Routine diabetic foot care.", "Callus under the metatarsal heads."),
    "skin_nails": ("Onychauxic nails 1st digits bilaterally; dry skin on heels.",
                   "Hard corn L 5th toe, no signs of infection.",
                   "Plantar callus under 2nd-3rd MTH, skin intact.",
                   "Mild fungal changes to nails, no ingrown edges."),
    "circulation": ("Pedal pulses palpable, warm, cap refill < 3 s.",
                    "Dorsalis pedis faint on the right; feet cool.",
                    "Colour and temperature normal bilaterally."),
    "care_provided": ("Nails trimmed and filed, callus reduced, corn enucleated.",
                      "Nail care and debridement, moisturiser applied.",
                      "Offloading pad applied, callus reduction."),
    "education": ("Daily foot inspection, moisturise avoiding between toes.",
                  "Proper footwear fitting and sock choice.",
                  "When to seek care: redness, swelling, open areas."),
    "next_visit": ("6 weeks", "8 weeks", "4 weeks"),
    # Occupational therapy
    "client_report": ("Difficulty with dressing since shoulder surgery.",
                      "Fatigue limits return to full-time work.",
                      "Managing kitchen tasks better with adaptive tools."),
    "functional_observation": ("Independent transfers; needs set-up for dressing.",
                               "Tolerates 20 min standing for meal preparation.",
                               "Uses grab bars safely in the bathroom."),
    "measures": ("COPM performance 4/10, satisfaction 3/10.",
                 "Grip 18 kg right, 24 kg left.", "Berg Balance 48/56."),
    "interventions": ("Energy conservation strategies, graded activity plan.",
                      "Adaptive equipment trial: reacher, sock aid.",
                      "Return-to-work plan drafted with client."),
    "goals": ("Independent upper body dressing in 4 weeks.",
              "Return to work 4 h/day within 6 weeks."),
    # Counselling
    "data_report": ("Reports improved sleep; work stress remains high.",
                    "Discussed conflict with a family member this week.",
                    "Practised breathing strategies 4 of 7 days."),
    "data_observations": ("Alert, oriented, affect congruent, good engagement.",
                          "Anxious at start, settled through the session.",
                          "Euthymic mood, speech normal rate and volume."),
    # Shared names
    "assessment": ("Progressing towards goals.",
                   "Condition stable; continue current plan.",
                   "Some setbacks this week; plan adjusted.",
                   "Low risk; good response to care."),
}
# fmt: on


# fmt: off
PHRASES.update({
    # Physiotherapy follow-up
    "subjective": (
        "Pain settling; managing work days with breaks.",
        "Better overall, one flare-up after gardening at the weekend.",
        "Exercises going well; sleeping through the night now.",
        "Slow week: sore after a long drive, eased within a day.",
    ),
    "reassessment": (
        "Range improved since last visit; less guarding.",
        "Single-leg squat control better; pain-free to 60° knee flexion.",
        "Painful arc now 100-120° only.",
        "Repeated movements centralise symptoms.",
    ),
    "patient_goals": ("Return to running 5 km", "Lift grandchildren without pain",
                      "Full day at the desk without pain", "Back to soccer"),
    # Massage
    "response_notes": ("Reported reduced tension and improved range of motion.",
                       "Tolerated well; mild soreness expected for 24 h.",
                       "Headache eased by the end of treatment."),
    # Occupational therapy
    "occupational_performance": (
        "Self-care slowed by shoulder stiffness; not yet driving; misses gardening.",
        "Works part-time from home; fatigue limits leisure and housework.",
        "Independent in self-care; needs help with groceries and cleaning.",
    ),
    "goal_progress_notes": ("Progressing towards goals.",),
    # Counselling
    "client_report": (
        "Client reports low mood most days and poor sleep since a job loss.",
        "Describes panic symptoms on the subway twice this week.",
        "Reports ongoing conflict at home and feeling overwhelmed.",
    ),
    "mental_status": (
        "Casually dressed, good eye contact, affect constricted, thought "
        "process linear, insight fair.",
        "Anxious at start, settled through the session; speech normal.",
    ),
    "safety_plan": (
        "Reviewed warning signs and coping strategies; crisis line shared.",
        "No plan needed at this time; will reassess next session.",
    ),
})
# fmt: on

SECTION_FALLBACK: dict[str, tuple[str, ...]] = {
    "S": ("No new concerns reported.", "Symptoms improving since last visit."),
    "O": ("Findings unchanged from the previous visit.", "No abnormal findings."),
    "A": ("Progressing as expected.", "Stable."),
    "P": ("Continue current plan.", "Review at the next visit."),
}

Case = dict[str, ContentValue]
USUAL_SHARE = 0.8  # how often a choice field holds its first (usual) finding
LOW_RISK_SHARE = 0.85  # counselling clients with no suicidal ideation


def _table(rows: Mapping[str, Sequence[object]], columns: Sequence[str]) -> TableValue:
    return {
        row: {c: str(v) for c, v in zip(columns, values, strict=False) if v != ""}
        for row, values in rows.items()
    }


_ROM = ("Left (°)", "Right (°)", "Normal (°)")
_STRENGTH = ("Left (/5)", "Right (/5)")

# One physiotherapy presentation per case: its fields agree with each other.
PHYSIO_CASES: tuple[Case, ...] = (
    {
        "chief_complaint": "Low back pain after lifting",
        "pain_regions": ["lumbar_spine", "right_gluteal"],
        "impression": "Mechanical low back pain, no red flags.",
        "rom": "Lumbar flexion 60% with pain at end range; extension full.",
        "rom_table": _table({"Side flexion": (20, 15, 25)}, _ROM),
        "strength_table": _table({"Extension": ("4/5", "4/5")}, _STRENGTH),
        "special_tests": "SLR negative bilaterally; slump negative.",
    },
    {
        "chief_complaint": "Right shoulder pain reaching overhead",
        "pain_regions": ["right_shoulder", "right_upper_arm"],
        "impression": "Rotator cuff related shoulder pain.",
        "rom": "Painful arc 80-120° on the right.",
        "rom_table": _table(
            {
                "Flexion": (180, 150, 180),
                "Abduction": (180, 140, 180),
                "Internal rotation": (70, 55, 70),
                "External rotation": (90, 70, 90),
            },
            _ROM,
        ),
        "strength_table": _table(
            {"Abduction": ("5/5", "4/5"), "External rotation": ("5/5", "4-/5")},
            _STRENGTH,
        ),
        "special_tests": "Hawkins-Kennedy positive, Neer positive, empty can negative.",
    },
    {
        "chief_complaint": "Left knee pain on stairs",
        "pain_regions": ["left_knee"],
        "impression": "Patellofemoral pain syndrome.",
        "rom": "Knee flexion 125°, extension full, pain at end flexion.",
        "rom_table": _table({"Flexion": (125, 135, 135), "Extension": (0, 0, 0)}, _ROM),
        "strength_table": _table(
            {"Extension": ("4/5", "5/5"), "Abduction": ("4/5", "4+/5")}, _STRENGTH
        ),
        "special_tests": "Lachman negative, McMurray negative.",
    },
    {
        "chief_complaint": "Neck stiffness with headaches",
        "pain_regions": ["cervical_spine", "head", "left_upper_trapezius"],
        "impression": "Cervicogenic headache with facet irritation.",
        "rom": "Cervical rotation R 60°, L 70°; side flexion limited bilaterally.",
        "rom_table": _table(
            {"Rotation": (70, 60, 80), "Side flexion": (30, 35, 45)}, _ROM
        ),
        "strength_table": _table({"Flexion": ("4/5", "4/5")}, _STRENGTH),
        "special_tests": "Cervical flexion-rotation test positive to the right.",
    },
    {
        "chief_complaint": "Ankle sprain playing soccer",
        "pain_regions": ["right_ankle"],
        "impression": "Grade I-II lateral ankle sprain.",
        "rom": "Dorsiflexion lunge 8 cm right, 12 cm left.",
        "rom_table": _table({"Flexion": (45, 35, 50), "Extension": (20, 12, 20)}, _ROM),
        "strength_table": _table({"Abduction": ("5/5", "4/5")}, _STRENGTH),
        "special_tests": "Anterior drawer negative, talar tilt mildly positive.",
    },
    {
        "chief_complaint": "Tennis elbow, left arm",
        "pain_regions": ["left_elbow", "left_forearm"],
        "impression": "Lateral elbow tendinopathy.",
        "rom": "Elbow range full and pain-free; wrist extension painful.",
        "rom_table": _table({"Flexion": (150, 150, 150), "Extension": (0, 0, 0)}, _ROM),
        "strength_table": _table({"Extension": ("4/5", "5/5")}, _STRENGTH),
        "special_tests": "Cozen's positive on the left; grip reduced 30%.",
    },
    {
        "chief_complaint": "Plantar heel pain in the mornings",
        "pain_regions": ["right_heel", "right_foot_plantar"],
        "impression": "Plantar heel pain (plantar fasciopathy).",
        "rom": "Ankle dorsiflexion limited on the right; great toe extension full.",
        "rom_table": _table({"Extension": (20, 10, 20)}, _ROM),
        "strength_table": _table({"Flexion": ("5/5", "4/5")}, _STRENGTH),
        "special_tests": "Windlass test positive on the right.",
    },
)

_PULSES_NORMAL = {
    "Dorsalis pedis": {"Left": "Palpable", "Right": "Palpable"},
    "Posterior tibial": {"Left": "Palpable", "Right": "Palpable"},
}
FOOT_CASES: tuple[Case, ...] = (
    {
        "concerns": "Thickened toenails difficult to trim.",
        "pulses": _PULSES_NORMAL,
        "sensation": "Intact",
        "monofilament_missed": [],
        "nail_findings": ["Thickened (onychauxis)", "Fungal changes (onychomycosis)"],
        "skin_findings": ["Dry skin"],
        "finding_sites": ["left_toenails", "right_toenails"],
        "risk_level": "Very low",
        "care_provided": "Nails trimmed and filed, moisturiser applied.",
    },
    {
        "concerns": "Routine diabetic foot care.",
        "pulses": {
            "Dorsalis pedis": {"Left": "Palpable", "Right": "Faint"},
            "Posterior tibial": {"Left": "Palpable", "Right": "Faint"},
        },
        "sensation": "Diminished",
        "monofilament_missed": ["Right 1st metatarsal head", "Right great toe"],
        "nail_findings": ["Thickened (onychauxis)"],
        "skin_findings": ["Callus", "Dry skin"],
        "finding_sites": ["right_forefoot", "right_heel"],
        "risk_level": "Moderate",
        "care_provided": "Nail care and callus reduction; offloading pad applied.",
    },
    {
        "concerns": "Painful corn on the left fifth toe.",
        "pulses": _PULSES_NORMAL,
        "sensation": "Intact",
        "monofilament_missed": [],
        "nail_findings": [],
        "skin_findings": ["Corn"],
        "finding_sites": ["left_lesser_toes"],
        "risk_level": "Low",
        "care_provided": "Corn enucleated; protective padding; footwear reviewed.",
    },
    {
        "concerns": "Ingrown nail edge on the right great toe.",
        "pulses": _PULSES_NORMAL,
        "sensation": "Intact",
        "monofilament_missed": [],
        "nail_findings": ["Ingrown (onychocryptosis)", "Involuted"],
        "skin_findings": ["Redness"],
        "finding_sites": ["right_great_toe"],
        "risk_level": "Low",
        "care_provided": "Nail edge cleared and packed; no signs of infection.",
    },
)

MASSAGE_AREAS: tuple[list[str], ...] = (
    ["cervical_spine", "left_upper_trapezius", "right_upper_trapezius"],
    ["lumbar_spine", "left_gluteal", "right_gluteal"],
    ["left_calf", "right_calf", "left_thigh_posterior", "right_thigh_posterior"],
    ["thoracic_spine", "left_scapula", "right_scapula"],
    ["head", "face", "cervical_spine"],
    ["right_shoulder", "right_upper_arm", "right_upper_trapezius"],
)

ADL_LEVELS = ("Independent", "Set-up", "Supervision", "Minimal assistance")
ADL_COMMENTS = {
    "Dressing - upper body": "Slow; reacher for overhead items",
    "Dressing - lower body": "Sock aid trialled",
    "Bathing": "Tub transfer bench in place",
    "Meal preparation": "Sits to prepare; fatigue after 20 min",
    "Household tasks": "Light tasks only",
    "Community mobility": "Not yet driving",
}


def _subset(
    choices: Sequence[str], rng: random.Random, low: int, high: int
) -> list[str]:
    """Some of the choices, in their listed order."""
    count = min(len(choices), rng.randint(low, high))
    chosen = set(rng.sample(list(choices), count))
    return [c for c in choices if c in chosen]


def _adl_table(rows: Sequence[str], rng: random.Random) -> TableValue:
    table: TableValue = {}
    for row in rows:
        level = rng.choices(ADL_LEVELS, weights=(6, 2, 2, 1))[0]
        cells = {"Level of assistance": level}
        if level != "Independent" and row in ADL_COMMENTS:
            cells["Comments"] = ADL_COMMENTS[row]
        table[row] = cells
    return table


COUNSELLING_PLANS = (
    "Continue weekly CBT; practise thought records before next session.",
    "Behavioural activation: two planned pleasant activities this week.",
    "Review sleep diary; continue grounding exercises daily.",
    "Fortnightly sessions; revisit goals at session six.",
)


def _case(names: set[str], rng: random.Random) -> Case:
    if "mood" in names:
        return {
            **_risk_case(names, rng),
            "mood": rng.randint(3, 7),
            "plan": rng.choice(COUNSELLING_PLANS),
        }
    if "rom_table" in names:
        return dict(rng.choice(PHYSIO_CASES))
    if "pulses" in names:
        return dict(rng.choice(FOOT_CASES))
    return {}


def _risk_case(names: set[str], rng: random.Random) -> Case:
    if "suicidal_ideation" in names:
        # Most clients: no ideation and low risk; a few passive ideation.
        if rng.random() < LOW_RISK_SHARE:
            return {
                "suicidal_ideation": "None",
                "si_plan": "No",
                "si_intent": "No",
                "access_to_means": "No",
                "risk": rng.choice(("None identified", "Low")),
                "safety_plan": "No safety plan needed at this time; will "
                "reassess next session.",
            }
        return {
            "suicidal_ideation": "Passive",
            "si_plan": "No",
            "si_intent": "No",
            "access_to_means": "No",
            "risk": "Moderate",
            "safety_plan": "Safety plan written with the client; crisis line "
            "numbers shared; review next session.",
        }
    return {}


def _value(field: Mapping[str, object], rng: random.Random) -> ContentValue:
    """A value of the field's type for a field no case covers."""
    name = str(field.get("name", ""))
    kind = field.get("type")
    choices = field.get("choices")
    options = [str(c) for c in choices] if isinstance(choices, list) else []
    rows = field.get("rows")
    row_labels = [str(r) for r in rows] if isinstance(rows, list) else []
    if kind == "scale":
        return rng.randint(1, 7)
    if kind == "number":
        return str(rng.randint(1, 10))
    if kind == "date":
        return None
    if kind == "choice":
        # The first choice is the usual finding ("Intact", "None identified").
        if not options:
            return ""
        return options[0] if rng.random() < USUAL_SHARE else rng.choice(options)
    if kind == "checklist":
        if name == "red_flags":
            return []
        return _subset(options, rng, 1, 3)
    if kind == "body_region":
        return list(rng.choice(MASSAGE_AREAS))
    if kind == "table":
        if name == "adl_table":
            return _adl_table(row_labels, rng)
        return {}
    section = str(field.get("section", "P"))
    bank = PHRASES.get(name) or SECTION_FALLBACK.get(section, ("Noted.",))
    return rng.choice(bank)


def note_content(
    fields: Sequence[Mapping[str, object]],
    rng: random.Random,
    *,
    case_seed: str | None = None,
) -> dict[str, ContentValue]:
    """A filled-in note for a template's fields: every field gets a value of
    its type's stored shape. Notes given the same `case_seed` (a patient and
    modality) tell the same case: the same complaint, regions and impression
    from visit to visit."""
    case_rng = random.Random(case_seed) if case_seed is not None else rng
    case = _case({str(f.get("name", "")) for f in fields}, case_rng)
    content: dict[str, ContentValue] = {}
    for field in fields:
        name = str(field.get("name", ""))
        value = case[name] if name in case else _value(field, rng)
        content[name] = _in_order(field, value)
    return content


REGION_ORDER = {region.code: n for n, region in enumerate(BODY_REGIONS)}


def _in_order(field: Mapping[str, object], value: ContentValue) -> ContentValue:
    """Lists in the order the field stores them (choices, body regions)."""
    if not isinstance(value, list):
        return value
    if field.get("type") == "body_region":
        return sorted(value, key=lambda code: REGION_ORDER.get(code, 0))
    choices = field.get("choices")
    order = (
        {str(c): n for n, c in enumerate(choices)} if isinstance(choices, list) else {}
    )
    return sorted(value, key=lambda choice: order.get(choice, 0))


class NoteTemplatePicker:
    """The shipped template of each demo note: the modality's initial
    assessment for a patient's first note of it, its follow-up after."""

    def __init__(self, templates: Iterable[NoteTemplate]) -> None:
        self._by_key = {t.key: t for t in templates}
        self._seen: set[tuple[int, str]] = set()

    def pick(self, patient: int, modality: str) -> NoteTemplate | None:
        """Call once per note, in visit order."""
        initial = self._by_key.get(INITIAL_KEY_BY_MODALITY.get(modality, ""))
        follow_up = self._by_key.get(FOLLOW_UP_KEY_BY_MODALITY.get(modality, ""))
        first = (patient, modality) not in self._seen
        self._seen.add((patient, modality))
        if first or follow_up is None:
            return initial
        return follow_up
