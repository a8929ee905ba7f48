"""One mapper module per FHIR resource type (STYLE.md section 7)."""
