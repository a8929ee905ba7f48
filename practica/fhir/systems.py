"""Code system URIs used by the mappers.

Local codes (ours, with no standard code) live under `LOCAL`, a URN naming
Practica, followed by the code list's name.
"""

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CVX = "http://hl7.org/fhir/sid/cvx"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = (
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
)
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY = "http://hl7.org/fhir/flag-priority-code"
FLAG_PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V2_CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
URI = "urn:ietf:rfc:3986"

LOCAL = "urn:practica:code-system:"
LOCAL_OUTCOME_MEASURE = f"{LOCAL}outcome-measure"
LOCAL_OUTCOME_ITEM = f"{LOCAL}outcome-measure-item"
LOCAL_DOCUMENT_CATEGORY = f"{LOCAL}document-category"
LOCAL_HISTORY_KIND = f"{LOCAL}medical-history-kind"
LOCAL_FORM_KIND = f"{LOCAL}form-kind"
LOCAL_ALERT_CATEGORY = f"{LOCAL}chart-alert-category"
