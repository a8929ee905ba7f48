from django.urls import path

from practica.search import views

app_name = "search"
urlpatterns = [
    path("", views.clinic_search, name="clinic-search"),
    path(
        "patients/<uuid:patient_id>/",
        views.patient_search,
        name="patient-search",
    ),
]
