"""Parse FHIR JSON with fhir.resources' R4B models (the closest release the
library ships to R4; the resources we export have the same shape in both)."""

from __future__ import annotations

import json

from fhir.resources.R4B import get_fhir_model_class

from practica.fhir.datatypes import Resource


def parse(resource: Resource) -> object:
    """The typed model of `resource`; raises pydantic's ValidationError.
    Goes through JSON text, as a client reading the export would."""
    model = get_fhir_model_class(str(resource["resourceType"]))
    return model.model_validate_json(json.dumps(resource))
