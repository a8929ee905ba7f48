"""Reads of scheduling, split by what they serve (STYLE.md: a module past about
400 lines becomes a package). Callers import from here."""

from practica.scheduling.selectors.appointments import (
    get_appointment_for,
    get_appointment_for_change,
    get_patient_for_booking,
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_patient_appointments,
    list_providers,
)
from practica.scheduling.selectors.calendars import (
    CalendarWeek,
    WeekEntry,
    calendar_week,
)
from practica.scheduling.selectors.feeds import (
    FeedCalendar,
    FeedEvent,
    feed_events,
    get_active_feed,
    get_feed_for_change,
    get_own_provider,
    get_provider_for_feed,
)
from practica.scheduling.selectors.setup import (
    ProviderWeek,
    get_appointment_type_for,
    list_all_appointment_types,
    list_provider_weeks,
)

__all__ = [
    "CalendarWeek",
    "FeedCalendar",
    "FeedEvent",
    "ProviderWeek",
    "WeekEntry",
    "calendar_week",
    "feed_events",
    "get_active_feed",
    "get_appointment_for",
    "get_appointment_for_change",
    "get_appointment_type_for",
    "get_feed_for_change",
    "get_own_provider",
    "get_patient_for_booking",
    "get_provider_for_feed",
    "list_all_appointment_types",
    "list_appointment_types",
    "list_bookable_patients",
    "list_locations",
    "list_patient_appointments",
    "list_provider_weeks",
    "list_providers",
]
