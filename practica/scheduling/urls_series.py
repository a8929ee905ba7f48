"""URLs of scheduling: series. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views import series

urlpatterns: list[URLPattern] = [
    path("series/create/", series.series_create, name="series-create"),
    path("series/<uuid:series_id>/", series.series_detail, name="series-detail"),
    path("series/<uuid:series_id>/edit/", series.series_edit, name="series-edit"),
    path("series/<uuid:series_id>/cancel/", series.series_cancel, name="series-cancel"),
]
