from django.urls import path

from practica.plans import views

app_name = "plans"
urlpatterns = [
    path("patients/<uuid:patient_id>/", views.patient_plans, name="patient-plans"),
    path("patients/<uuid:patient_id>/create/", views.plan_create, name="plan-create"),
    path("<uuid:plan_id>/", views.plan_detail, name="plan-detail"),
    path("<uuid:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path("<uuid:plan_id>/status/", views.plan_status, name="plan-status"),
    path("<uuid:plan_id>/goals/create/", views.goal_create, name="goal-create"),
    path("goals/<uuid:goal_id>/status/", views.goal_status, name="goal-status"),
    path(
        "goals/<uuid:goal_id>/progress/",
        views.progress_create,
        name="progress-create",
    ),
    path(
        "progress/<uuid:progress_id>/entered-in-error/",
        views.progress_mark_error,
        name="progress-mark-error",
    ),
    path(
        "notes/<uuid:note_id>/progress/",
        views.note_progress,
        name="note-progress",
    ),
]
