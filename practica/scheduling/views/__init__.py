"""HTTP glue of scheduling, split by page (STYLE.md: a module past about 400
lines becomes a package). urls.py imports the views from here."""

from practica.scheduling.views.appointments import (
    appointment_cancel,
    appointment_create,
    appointment_detail,
    appointment_edit,
    appointment_status,
)
from practica.scheduling.views.calendar import calendar
from practica.scheduling.views.feeds import (
    feed_create,
    feed_ics,
    feed_list,
    feed_revoke,
)
from practica.scheduling.views.setup import hours_set, setup, type_create, type_edit

__all__ = [
    "appointment_cancel",
    "appointment_create",
    "appointment_detail",
    "appointment_edit",
    "appointment_status",
    "calendar",
    "feed_create",
    "feed_ics",
    "feed_list",
    "feed_revoke",
    "hours_set",
    "setup",
    "type_create",
    "type_edit",
]
