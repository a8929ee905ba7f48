"""FHIR R4 projections of Practica's clinical records.

FHIR is a projection, never the system of record (STYLE.md section 7): each
module in `resources/` maps Practica rows to one R4 resource type with a
`to_fhir` function returning plain JSON. The patient's record export
(`reports/export.py`) builds its bundle from them; a later FHIR API reuses
the same mappers. This app has no models and no URLs.
"""
