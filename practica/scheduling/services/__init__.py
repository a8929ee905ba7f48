"""Writes of scheduling, split by what they change (STYLE.md: a module past about
400 lines becomes a package). Callers import from here.

No provider (and no room) may hold two overlapping active appointments; see
`rules` for how that is enforced on each database.
"""

from practica.scheduling.services.appointments import (
    book_appointment,
    cancel_appointment,
    move_appointment,
    set_status,
)
from practica.scheduling.services.feeds import create_feed, revoke_feed
from practica.scheduling.services.setup import (
    create_appointment_type,
    ensure_provider,
    set_working_hours,
    update_appointment_type,
)

__all__ = [
    "book_appointment",
    "cancel_appointment",
    "create_appointment_type",
    "create_feed",
    "ensure_provider",
    "move_appointment",
    "revoke_feed",
    "set_status",
    "set_working_hours",
    "update_appointment_type",
]
