"""URLs of scheduling: classes. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views import classes

urlpatterns: list[URLPattern] = [
    path("classes/", classes.class_list, name="class-list"),
    path("classes/create/", classes.class_create, name="class-create"),
    path("classes/<uuid:class_id>/", classes.class_detail, name="class-detail"),
    path(
        "classes/<uuid:class_id>/attendees/add/",
        classes.class_attendee_add,
        name="class-attendee-add",
    ),
    path("classes/<uuid:class_id>/cancel/", classes.class_cancel, name="class-cancel"),
    path(
        "classes/attendances/<uuid:attendance_id>/status/",
        classes.attendance_status,
        name="attendance-status",
    ),
]
