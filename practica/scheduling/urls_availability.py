"""URLs of scheduling: availability. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views.availability import slot_list
from practica.scheduling.views.setup import (
    exception_create,
    exception_delete,
    holiday_create,
    holiday_delete,
    provider_edit,
    room_create,
    room_edit,
)

urlpatterns: list[URLPattern] = [
    # The availability engine's free slots ("Find a time" on the booking form).
    path("slots/", slot_list, name="slot-list"),
    # Set-up of what availability honours (the page itself is scheduling:setup).
    path("setup/rooms/create/", room_create, name="room-create"),
    path("setup/rooms/<int:room_id>/edit/", room_edit, name="room-edit"),
    path(
        "setup/providers/<int:provider_id>/edit/", provider_edit, name="provider-edit"
    ),
    path("setup/exceptions/create/", exception_create, name="exception-create"),
    path(
        "setup/exceptions/<int:exception_id>/delete/",
        exception_delete,
        name="exception-delete",
    ),
    path("setup/holidays/create/", holiday_create, name="holiday-create"),
    path(
        "setup/holidays/<int:holiday_id>/delete/",
        holiday_delete,
        name="holiday-delete",
    ),
]
