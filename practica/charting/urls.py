from django.urls import path

from practica.charting import views, views_chart, views_cosign
from practica.charting.views_templates import (
    note_template,
    template_active,
    template_create,
    template_detail,
    template_edit,
    template_list,
)

app_name = "charting"
urlpatterns = [
    path(
        "appointments/<uuid:appointment_id>/note/",
        views.note_start,
        name="note-start",
    ),
    path("notes/<uuid:note_id>/", views.note_detail, name="note-detail"),
    path("notes/<uuid:note_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<uuid:note_id>/sign/", views.note_sign, name="note-sign"),
    path("notes/<uuid:note_id>/addenda/", views.note_addendum, name="note-addendum"),
    # Copy forward, co-signature, unsigned notes, charting settings
    # (views_cosign.py).
    path(
        "notes/<uuid:note_id>/copy-forward/",
        views_cosign.note_copy_forward,
        name="note-copy-forward",
    ),
    path("notes/<uuid:note_id>/cosign/", views_cosign.note_cosign, name="note-cosign"),
    path("notes/unsigned/", views_cosign.unsigned_list, name="unsigned-list"),
    path("notes/overdue/", views_cosign.overdue_report, name="overdue-report"),
    path("notes/cosign/", views_cosign.cosign_list, name="cosign-list"),
    path("settings/", views_cosign.charting_settings, name="charting-settings"),
    path(
        "settings/supervisions/",
        views_cosign.supervision_create,
        name="supervision-create",
    ),
    path(
        "settings/supervisions/<uuid:supervision_id>/end/",
        views_cosign.supervision_end,
        name="supervision-end",
    ),
    # The chart: summary and clinical lists (views_chart.py).
    path(
        "patients/<uuid:patient_id>/chart/",
        views_chart.chart_detail,
        name="chart-detail",
    ),
    path(
        "patients/<uuid:patient_id>/chart/problems/",
        views_chart.problem_create,
        name="problem-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/allergies/",
        views_chart.allergy_create,
        name="allergy-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/medications/",
        views_chart.medication_create,
        name="medication-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/immunizations/",
        views_chart.immunization_create,
        name="immunization-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/vitals/",
        views_chart.vitals_create,
        name="vitals-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/history/",
        views_chart.history_create,
        name="history-create",
    ),
    path(
        "patients/<uuid:patient_id>/chart/alerts/",
        views_chart.alert_create,
        name="alert-create",
    ),
    path(
        "chart/problems/<uuid:problem_id>/status/",
        views_chart.problem_status,
        name="problem-status",
    ),
    path(
        "chart/allergies/<uuid:allergy_id>/status/",
        views_chart.allergy_status,
        name="allergy-status",
    ),
    path(
        "chart/medications/<uuid:medication_id>/status/",
        views_chart.medication_status,
        name="medication-status",
    ),
    path(
        "chart/immunizations/<uuid:immunization_id>/status/",
        views_chart.immunization_status,
        name="immunization-status",
    ),
    path(
        "chart/vitals/<uuid:vitals_id>/status/",
        views_chart.vitals_status,
        name="vitals-status",
    ),
    path(
        "chart/history/<uuid:history_entry_id>/status/",
        views_chart.history_status,
        name="history-status",
    ),
    path(
        "chart/alerts/<uuid:alert_id>/status/",
        views_chart.alert_status,
        name="alert-status",
    ),
    path("codes/search/", views_chart.code_search, name="code-search"),
    # The note template builder (views_templates.py).
    path("templates/", template_list, name="template-list"),
    path("templates/create/", template_create, name="template-create"),
    path("templates/<int:template_id>/", template_detail, name="template-detail"),
    path("templates/<int:template_id>/edit/", template_edit, name="template-edit"),
    path(
        "templates/<int:template_id>/active/", template_active, name="template-active"
    ),
    path("notes/<uuid:note_id>/template/", note_template, name="note-template"),
]
