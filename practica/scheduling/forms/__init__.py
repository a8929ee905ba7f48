"""Input contracts of the scheduling views, split by page. Callers import
from here or from the module that holds the form."""

from practica.scheduling.forms.appointments import (
    EARLIEST_DATE,
    LATEST_DATE,
    WEEKDAYS,
    AppointmentForm,
    AppointmentTypeForm,
    CancelForm,
    MoveForm,
    PatientChoiceField,
    StatusForm,
    WorkingHoursForm,
    _TimeFields,
    local_start,
)

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "WEEKDAYS",
    "AppointmentForm",
    "AppointmentTypeForm",
    "CancelForm",
    "MoveForm",
    "PatientChoiceField",
    "StatusForm",
    "WorkingHoursForm",
    "_TimeFields",
    "local_start",
]
