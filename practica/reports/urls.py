from django.urls import path

from practica.reports import views, views_export

app_name = "reports"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/timeline/",
        views.timeline,
        name="patient-timeline",
    ),
    path(
        "patients/<uuid:patient_id>/export/",
        views_export.export_page,
        name="patient-export",
    ),
    path(
        "patients/<uuid:patient_id>/export/chart.pdf",
        views_export.export_pdf,
        name="patient-export-pdf",
    ),
    path(
        "patients/<uuid:patient_id>/export/bundle.json",
        views_export.export_bundle,
        name="patient-export-bundle",
    ),
]
