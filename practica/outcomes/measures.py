"""The outcome measures Practica scores, defined in code.

Each `Measure` has a stable `code` (what a stored response and, later, a
treatment plan's goal point at) and a `version` (bumped if items or scoring
ever change; a response keeps the version it was scored with). Scoring rules
and their sources are in docs/outcome-measures.md.

Item labels: PHQ-9 and GAD-7 are free to reproduce (Pfizer, no permission
required), so their item wording is included. ODI and LEFS items are short
labels of our own naming the activity asked about, not the published wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Scoring(Enum):
    SUM = "sum"  # the total of the item values
    PERCENT_OF_ANSWERED = "percent_of_answered"  # ODI: total / (max * answered)


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    label: str


@dataclass(frozen=True)
class Band:
    """A severity band: scores up to and including `upper` (after the bands
    before it) get `label`."""

    upper: Decimal
    label: str


@dataclass(frozen=True)
class Measure:
    code: str
    version: int
    name: str
    short_name: str
    instructions: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    scoring: Scoring
    max_score: Decimal
    unit: str  # "points" or "%"
    higher_is_better: bool
    mcid: Decimal | None  # minimal clinically important difference, in `unit`
    bands: tuple[Band, ...] = ()
    max_skipped: int = 0
    # Items whose answer above 0 raises a flag: item key -> flag text.
    flag_items: tuple[tuple[str, str], ...] = ()

    @property
    def min_option(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max_option(self) -> int:
        return max(o.value for o in self.options)

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def band_for(self, score: Decimal) -> str:
        for band in self.bands:
            if score <= band.upper:
                return band.label
        return ""


def _items(prefix: str, labels: tuple[str, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(key=f"{prefix}{n}", label=label) for n, label in enumerate(labels, 1)
    )


_FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

NPRS = Measure(
    code="nprs",
    version=1,
    name="Numeric Pain Rating Scale",
    short_name="NPRS",
    instructions="Rate the pain right now, from 0 (no pain) to 10 (worst imaginable).",
    items=(Item(key="pain", label="Pain intensity now"),),
    options=tuple(
        Option(n, {0: "0 (no pain)", 10: "10 (worst imaginable)"}.get(n, str(n)))
        for n in range(11)
    ),
    scoring=Scoring.SUM,
    max_score=Decimal(10),
    unit="points",
    higher_is_better=False,
    mcid=Decimal(2),
    bands=(
        Band(Decimal(0), "No pain"),
        Band(Decimal(3), "Mild"),
        Band(Decimal(6), "Moderate"),
        Band(Decimal(10), "Severe"),
    ),
)

PHQ9 = Measure(
    code="phq9",
    version=1,
    name="Patient Health Questionnaire-9",
    short_name="PHQ-9",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the "
        "following problems?"
    ),
    items=_items(
        "q",
        (
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself, or that you are a failure or have let "
            "yourself or your family down",
            "Trouble concentrating on things, such as reading the newspaper or "
            "watching television",
            "Moving or speaking so slowly that other people could have noticed; "
            "or the opposite, being so fidgety or restless that you have been "
            "moving around a lot more than usual",
            "Thoughts that you would be better off dead or of hurting yourself "
            "in some way",
        ),
    ),
    options=_FREQUENCY,
    scoring=Scoring.SUM,
    max_score=Decimal(27),
    unit="points",
    higher_is_better=False,
    mcid=Decimal(5),
    bands=(
        Band(Decimal(4), "Minimal"),
        Band(Decimal(9), "Mild"),
        Band(Decimal(14), "Moderate"),
        Band(Decimal(19), "Moderately severe"),
        Band(Decimal(27), "Severe"),
    ),
    flag_items=(
        (
            "q9",
            "Item 9 (thoughts of self-harm) answered above 0: "
            "assess safety and follow up today.",
        ),
    ),
)

GAD7 = Measure(
    code="gad7",
    version=1,
    name="Generalized Anxiety Disorder-7",
    short_name="GAD-7",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by the "
        "following problems?"
    ),
    items=_items(
        "q",
        (
            "Feeling nervous, anxious, or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid, as if something awful might happen",
        ),
    ),
    options=_FREQUENCY,
    scoring=Scoring.SUM,
    max_score=Decimal(21),
    unit="points",
    higher_is_better=False,
    mcid=Decimal(4),
    bands=(
        Band(Decimal(4), "Minimal"),
        Band(Decimal(9), "Mild"),
        Band(Decimal(14), "Moderate"),
        Band(Decimal(21), "Severe"),
    ),
)

ODI = Measure(
    code="odi",
    version=1,
    name="Oswestry Disability Index",
    short_name="ODI",
    instructions=(
        "For each section choose the one statement level that best describes "
        "the patient today, from 0 (no limitation) to 5 (most limited). "
        "At most one section may be left blank."
    ),
    items=_items(
        "s",
        (
            "Pain intensity",
            "Personal care (washing, dressing)",
            "Lifting",
            "Walking",
            "Sitting",
            "Standing",
            "Sleeping",
            "Sex life",
            "Social life",
            "Travelling",
        ),
    ),
    options=(
        Option(0, "0 (no limitation)"),
        Option(1, "1"),
        Option(2, "2"),
        Option(3, "3"),
        Option(4, "4"),
        Option(5, "5 (most limited)"),
    ),
    scoring=Scoring.PERCENT_OF_ANSWERED,
    max_score=Decimal(100),
    unit="%",
    higher_is_better=False,
    mcid=Decimal(10),
    bands=(
        Band(Decimal(20), "Minimal disability"),
        Band(Decimal(40), "Moderate disability"),
        Band(Decimal(60), "Severe disability"),
        Band(Decimal(80), "Crippling back pain"),
        Band(Decimal(100), "Bed-bound or exaggerating"),
    ),
    max_skipped=1,
)

LEFS = Measure(
    code="lefs",
    version=1,
    name="Lower Extremity Functional Scale",
    short_name="LEFS",
    instructions=(
        "How much difficulty does the patient have today with each activity "
        "because of the lower-limb problem? 0 = extreme difficulty or unable, "
        "4 = no difficulty."
    ),
    items=_items(
        "a",
        (
            "Usual work, housework or school",
            "Usual hobbies, recreation or sport",
            "Getting into or out of the bath",
            "Walking between rooms",
            "Putting on shoes or socks",
            "Squatting",
            "Lifting a bag of groceries from the floor",
            "Light household chores",
            "Heavy household chores",
            "Getting into or out of a car",
            "Walking two blocks",
            "Walking a mile",
            "Ten stairs up or down",
            "Standing for an hour",
            "Sitting for an hour",
            "Running on even ground",
            "Running on uneven ground",
            "Sharp turns while running fast",
            "Hopping",
            "Rolling over in bed",
        ),
    ),
    options=(
        Option(0, "0 (extreme difficulty or unable)"),
        Option(1, "1 (quite a bit)"),
        Option(2, "2 (moderate)"),
        Option(3, "3 (a little)"),
        Option(4, "4 (no difficulty)"),
    ),
    scoring=Scoring.SUM,
    max_score=Decimal(80),
    unit="points",
    higher_is_better=True,
    mcid=Decimal(9),
)

MEASURES: dict[str, Measure] = {m.code: m for m in (NPRS, PHQ9, GAD7, ODI, LEFS)}
MEASURE_CHOICES = [(m.code, m.short_name) for m in MEASURES.values()]


def get_measure(code: str) -> Measure | None:
    return MEASURES.get(code)
