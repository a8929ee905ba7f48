from django.urls import path

from practica.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path(
        "appointments/create/",
        views.appointment_create,
        name="appointment-create",
    ),
    path(
        "appointments/<uuid:appointment_id>/",
        views.appointment_detail,
        name="appointment-detail",
    ),
    path(
        "appointments/<uuid:appointment_id>/edit/",
        views.appointment_edit,
        name="appointment-edit",
    ),
    path(
        "appointments/<uuid:appointment_id>/cancel/",
        views.appointment_cancel,
        name="appointment-cancel",
    ),
    path(
        "appointments/<uuid:appointment_id>/status/",
        views.appointment_status,
        name="appointment-status",
    ),
]
