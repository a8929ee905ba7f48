from django.urls import path

from practica.labs import views

app_name = "labs"
urlpatterns = [
    path("patients/<uuid:patient_id>/labs/", views.patient_labs, name="patient-labs"),
    path(
        "patients/<uuid:patient_id>/labs/create/",
        views.result_create,
        name="result-create",
    ),
    path(
        "patients/<uuid:patient_id>/labs/<str:loinc_code>/",
        views.test_detail,
        name="test-detail",
    ),
    path(
        "results/<uuid:lab_result_id>/error/",
        views.result_mark_error,
        name="result-mark-error",
    ),
    path("codes/", views.code_search, name="code-search"),
]
