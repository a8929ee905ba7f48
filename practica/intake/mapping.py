"""Chart entries proposed by a submission's answers.

A field with `maps_to` proposes entries for a chart list: one per line of a
long text, one per ticked choice of a checklist, one for a short text or a
choice. Each proposal has a stable key (field name and position), suggested
values a clinician reviews and may correct, and lands in the chart only when
the clinician accepts it (`services.decide_proposal`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from practica.intake.form_fields import MAPPING_TARGETS, FormField

MAX_PER_FIELD = 20
_SPLIT = re.compile(r"\s+[-\u2013:]\s+|\s*[(:]\s*")
_FIRST_DIGIT = re.compile(r"\s(?=\d)")


@dataclass(frozen=True)
class Proposal:
    key: str  # "<field name>:<position>", stable for one submission
    target: str  # a MAPPING_TARGETS key
    field_label: str
    text: str  # the patient's words
    suggested: dict[str, str] = field(default_factory=dict)

    @property
    def target_label(self) -> str:
        return MAPPING_TARGETS.get(self.target, self.target)

    @property
    def history_kind(self) -> str:
        return self.target.partition(":")[2]


def _items(field_def: FormField, value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    if not isinstance(value, str) or not value.strip():
        return []
    if field_def["type"] == "textarea":
        return [line.strip(" -•*\t") for line in value.splitlines() if line.strip()]
    if field_def["type"] == "choice":
        return [f"{field_def['label']}: {value.strip()}"]
    return [value.strip()]


def _suggest(target: str, text: str, field_def: FormField, raw: str) -> dict[str, str]:
    if target == "allergy":
        substance, _, reaction = text.partition(" - ")
        if not reaction:
            parts = _SPLIT.split(text, maxsplit=1)
            substance = parts[0]
            reaction = parts[1].rstrip(")") if len(parts) > 1 else ""
        return {
            "substance": substance.strip()[:120],
            "reaction": reaction.strip()[:250],
            "severity": "",
        }
    if target == "medication":
        parts = _FIRST_DIGIT.split(text, maxsplit=1)
        return {
            "name": parts[0].strip()[:150],
            "dose": parts[1].strip()[:60] if len(parts) > 1 else "",
        }
    if target == "problem":
        code = field_def.get("codes", {}).get(raw, "")
        return {"code": code, "note": text[:500]}
    return {"text": text[:500]}


def proposals_for(
    fields: Sequence[FormField], answers: Mapping[str, object]
) -> list[Proposal]:
    """Every entry the answers propose, in form order."""
    proposals: list[Proposal] = []
    for field_def in fields:
        target = field_def.get("maps_to", "")
        if target not in MAPPING_TARGETS:
            continue
        value = answers.get(field_def["name"])
        raws = value if isinstance(value, list) else None
        for position, text in enumerate(_items(field_def, value)[:MAX_PER_FIELD]):
            raw = str(raws[position]) if raws is not None else text
            proposals.append(
                Proposal(
                    key=f"{field_def['name']}:{position}",
                    target=target,
                    field_label=field_def["label"],
                    text=text,
                    suggested=_suggest(target, text, field_def, raw),
                )
            )
    return proposals
