"""A provider's calendar feed as an iCalendar (RFC 5545) document.

Each event keeps its location's time zone (DTSTART;TZID=...), and the calendar
carries a VTIMEZONE for each zone, so calendar apps show the clinic's wall-clock
times whatever zone the phone is in. SEQUENCE counts the appointment's changes,
so an app replaces the event it holds rather than adding a second one.
"""

from __future__ import annotations

import zoneinfo

import icalendar
from django.utils import timezone

from practica.scheduling.selectors import FeedCalendar

PRODID = "-//Practica//Provider calendar feed//EN"


def feed_to_ical(calendar: FeedCalendar) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar.name)
    stamp = timezone.now()
    for entry in calendar.events:
        tz = zoneinfo.ZoneInfo(entry.timezone)
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.start_at.astimezone(tz))
        event.add("dtend", entry.end_at.astimezone(tz))
        event.add("last-modified", entry.updated_at)
        event.add("summary", entry.summary)
        event.add("location", entry.location_name)
        event.add("status", entry.status)
        event.add("sequence", entry.sequence)
        cal.add_component(event)
    # A VTIMEZONE for every TZID the events use.
    cal.add_missing_timezones()
    return cal.to_ical()
