from django.urls import path

from practica.documents import views

app_name = "documents"
urlpatterns = [
    path(
        "patients/<uuid:patient_id>/",
        views.patient_documents,
        name="patient-documents",
    ),
    path(
        "patients/<uuid:patient_id>/upload/",
        views.document_upload,
        name="document-upload",
    ),
    path("<uuid:document_id>/file/", views.document_file, name="document-file"),
    path(
        "<uuid:document_id>/entered-in-error/",
        views.document_entered_in_error,
        name="document-entered-in-error",
    ),
]
