from django.urls import path

from practica.charting import views, views_chart

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
    path("codes/search/", views_chart.code_search, name="code-search"),
]
