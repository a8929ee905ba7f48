from django.urls import path

from practica.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/",
        views.patient_outcomes,
        name="patient-outcomes",
    ),
    path(
        "patients/<uuid:patient_id>/measures/<slug:measure_id>/record/",
        views.response_create,
        name="response-create",
    ),
    path(
        "responses/<uuid:response_id>/",
        views.response_detail,
        name="response-detail",
    ),
    path(
        "responses/<uuid:response_id>/entered-in-error/",
        views.response_mark_error,
        name="response-mark-error",
    ),
]
