"""Plausible content for the shipped note templates, picked at random.

Keys are the field names of `practica.charting.shipped_templates`; a field this
module does not know gets a neutral phrase for its section, so a template that
gains a field still produces a complete note.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

ContentValue = str | int | None

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

SECTION_FALLBACK: dict[str, tuple[str, ...]] = {
    "S": ("No new concerns reported.", "Symptoms improving since last visit."),
    "O": ("Findings unchanged from the previous visit.", "No abnormal findings."),
    "A": ("Progressing as expected.", "Stable."),
    "P": ("Continue current plan.", "Review at the next visit."),
}


def note_content(
    fields: Sequence[Mapping[str, object]], rng: random.Random
) -> dict[str, ContentValue]:
    """A filled-in note for a template's fields: every field gets a value."""
    content: dict[str, ContentValue] = {}
    for field in fields:
        name = str(field.get("name", ""))
        kind = field.get("type")
        if kind == "scale":
            content[name] = rng.randint(1, 7)
        elif kind == "number":
            content[name] = str(rng.randint(1, 10))
        elif kind == "choice":
            choices = field.get("choices")
            options = [str(c) for c in choices] if isinstance(choices, list) else []
            # The first choice is the usual finding ("Intact", "None identified").
            content[name] = (
                options[0]
                if rng.random() < 0.8 or not options
                else (rng.choice(options))
            )
        else:
            section = str(field.get("section", "P"))
            bank = PHRASES.get(name) or SECTION_FALLBACK.get(section, ("Noted.",))
            content[name] = rng.choice(bank)
    return content
