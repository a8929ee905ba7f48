"""Free slots ("Find a time"): the availability engine's answer as a list of
links to the booking form, prefilled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from practica.scheduling.forms.availability import SlotQueryForm
from practica.scheduling.selectors.appointments import (
    list_appointment_types,
    list_bookable_patients,
    list_locations,
    list_providers,
)
from practica.scheduling.selectors.availability import Slot, find_slots
from practica.scheduling.views.responses import INVALID, is_htmx
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import SCHEDULE_VIEW

SLOTS_SHOWN = 20


@dataclass(frozen=True)
class SlotLink:
    """One free slot as the strings the list prints and the booking link."""

    day_label: str
    time_label: str
    provider_name: str
    room_name: str
    url: str


def _links(
    slots: list[Slot], *, type_id: int, location_id: int, patient_id: str
) -> list[SlotLink]:
    base = reverse("scheduling:appointment-create")
    links = []
    for slot in slots:
        params = {
            "provider": str(slot.provider.pk),
            "location": str(location_id),
            "type": str(type_id),
            "start": f"{slot.start_at:%Y-%m-%dT%H:%M}",
        }
        if patient_id:
            params["patient"] = patient_id
        links.append(
            SlotLink(
                day_label=f"{slot.start_at:%a} {slot.start_at.day} {slot.start_at:%b}",
                time_label=f"{slot.start_at:%H:%M}\u2013{slot.end_at:%H:%M}",
                provider_name=slot.provider.display_name,
                room_name=slot.room.name if slot.room is not None else "",
                url=f"{base}?{urlencode(params)}",
            )
        )
    return links


@require_GET
@clinic_view(SCHEDULE_VIEW)
def slot_list(request: HttpRequest) -> HttpResponse:
    """The next free slots for a type at a location (any or one provider),
    from a date (default today). An htmx request gets the #slots partial."""
    actor = get_actor(request)
    form = SlotQueryForm(
        request.GET,
        appointment_types=list_appointment_types(actor=actor),
        locations=list_locations(actor=actor),
        providers=list_providers(actor=actor),
        patients=list_bookable_patients(actor=actor),
    )
    status = 200
    links: list[SlotLink] = []
    if form.is_valid():
        data = form.cleaned_data
        location = data["location"]
        today = timezone.now().astimezone(location.tz).date()
        start_on: dt.date = max(data["date"] or today, today)
        patient = data["patient"]
        slots = find_slots(
            actor=actor,
            appointment_type=data["type"],
            location=location,
            start_on=start_on,
            provider=data["provider"],
            patient=patient,
            limit=SLOTS_SHOWN,
        )
        links = _links(
            slots,
            type_id=data["type"].pk,
            location_id=location.pk,
            patient_id=str(patient.pk) if patient is not None else "",
        )
    else:
        status = INVALID
    template = "scheduling/availability_slots.html"
    if is_htmx(request):
        template += "#slots"
    response = render(request, template, {"form": form, "slots": links}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
