from django.urls import path

from practica.intake import views, views_builder

app_name = "intake"
urlpatterns = [
    # With a patient (views.py).
    path("patients/<uuid:patient_id>/", views.patient_forms, name="patient-forms"),
    path(
        "patients/<uuid:patient_id>/fill/<slug:form_key>/",
        views.form_fill,
        name="form-fill",
    ),
    path(
        "submissions/<uuid:submission_id>/",
        views.submission_detail,
        name="submission-detail",
    ),
    path(
        "submissions/<uuid:submission_id>/signed/",
        views.submission_done,
        name="submission-done",
    ),
    path(
        "submissions/<uuid:submission_id>/pdf/",
        views.submission_pdf,
        name="submission-pdf",
    ),
    path(
        "submissions/<uuid:submission_id>/supersede/",
        views.submission_supersede,
        name="submission-supersede",
    ),
    path(
        "submissions/<uuid:submission_id>/decisions/",
        views.submission_decide,
        name="submission-decide",
    ),
    # The form builder (views_builder.py).
    path("builder/", views_builder.definition_list, name="definition-list"),
    path("builder/new/", views_builder.definition_create, name="definition-create"),
    path(
        "builder/<slug:form_key>/",
        views_builder.definition_detail,
        name="definition-detail",
    ),
    path(
        "builder/<slug:form_key>/edit/",
        views_builder.definition_edit,
        name="definition-edit",
    ),
    path(
        "builder/<slug:form_key>/status/",
        views_builder.definition_status,
        name="definition-status",
    ),
]
