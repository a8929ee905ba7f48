"""Flag: a chart alert (fall risk, interpreter needed, latex-free room, ...).

The alert's category is the code (our local list) and picks FHIR's flag
category; its severity travels in the standard flag-priority extension (R4
Flag has no severity element); an expiry date ends the period. Statuses
active, inactive and entered-in-error are FHIR's own.
"""

from __future__ import annotations

from practica.charting.models import AlertCategory, ChartAlert
from practica.fhir import systems
from practica.fhir.datatypes import Resource, coding, compact, concept, date, instant
from practica.fhir.resources import patient

# flag-category code and display for each of our categories.
CATEGORY: dict[str, tuple[str, str]] = {
    AlertCategory.FALL_RISK: ("safety", "Safety"),
    AlertCategory.INFECTION_CONTROL: ("clinical", "Clinical"),
    AlertCategory.BLEEDING_RISK: ("drug", "Drug"),
    AlertCategory.SELF_HARM_RISK: ("behavioral", "Behavioral"),
    AlertCategory.VIOLENCE_RISK: ("safety", "Safety"),
    AlertCategory.INTERPRETER: ("admin", "Administrative"),
    AlertCategory.SENSORY: ("clinical", "Clinical"),
    AlertCategory.COGNITIVE: ("clinical", "Clinical"),
    AlertCategory.LATEX_FREE: ("safety", "Safety"),
    AlertCategory.MOBILITY_AID: ("admin", "Administrative"),
    AlertCategory.CHAPERONE: ("admin", "Administrative"),
    AlertCategory.OTHER: ("clinical", "Clinical"),
}
# flag-priority code and display for each severity.
PRIORITY: dict[str, tuple[str, str]] = {
    ChartAlert.Severity.CRITICAL: ("PH", "High priority"),
    ChartAlert.Severity.WARNING: ("PM", "Medium priority"),
    ChartAlert.Severity.INFO: ("PL", "Low priority"),
}


def to_fhir(alert: ChartAlert) -> Resource:
    label = alert.get_category_display()
    category = CATEGORY.get(alert.category, CATEGORY[AlertCategory.OTHER])
    priority = PRIORITY.get(alert.severity, PRIORITY[ChartAlert.Severity.WARNING])
    period: Resource = {"start": instant(alert.created_at)}
    if alert.expires_on:
        period["end"] = date(alert.expires_on)
    return compact(
        {
            "resourceType": "Flag",
            "id": str(alert.pk),
            "extension": [
                {
                    "url": systems.FLAG_PRIORITY_EXTENSION,
                    "valueCodeableConcept": concept(
                        coding(systems.FLAG_PRIORITY, *priority),
                        text=alert.get_severity_display(),
                    ),
                }
            ],
            # Our statuses are FHIR's, entered_in_error spelt with dashes.
            "status": alert.status.replace("_", "-"),
            "category": [concept(coding(systems.FLAG_CATEGORY, *category))],
            "code": concept(
                coding(systems.LOCAL_ALERT_CATEGORY, alert.category, label),
                text=f"{label}: {alert.text}" if alert.text else label,
            ),
            "subject": patient.ref(alert.patient_id),
            "period": period,
        }
    )
