from django.urls import path

from practica.scheduling import (
    urls_availability,
    urls_board,
    urls_classes,
    urls_policy,
    urls_series,
    urls_waitlist,
    views,
)

app_name = "scheduling"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("setup/", views.setup, name="setup"),
    path("setup/services/create/", views.type_create, name="type-create"),
    path("setup/services/<int:type_id>/edit/", views.type_edit, name="type-edit"),
    path("setup/hours/", views.hours_set, name="hours-set"),
    path("feeds/", views.feed_list, name="feed-list"),
    path("feeds/create/", views.feed_create, name="feed-create"),
    path("feeds/<int:feed_id>/revoke/", views.feed_revoke, name="feed-revoke"),
    path("feeds/<str:token>.ics", views.feed_ics, name="feed-ics"),
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
    *urls_availability.urlpatterns,
    *urls_board.urlpatterns,
    *urls_series.urlpatterns,
    *urls_policy.urlpatterns,
    *urls_waitlist.urlpatterns,
    *urls_classes.urlpatterns,
]
