from django.urls import path

from practica.reports import views

app_name = "reports"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/timeline/",
        views.timeline,
        name="patient-timeline",
    ),
]
