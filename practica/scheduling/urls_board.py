"""URLs of scheduling: board. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views import board

urlpatterns: list[URLPattern] = [
    path("events/", board.calendar_events, name="calendar-events"),
    path(
        "appointments/<uuid:appointment_id>/move/",
        board.appointment_move,
        name="appointment-move",
    ),
]
