from django.urls import path

from practica.charting import views

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
]
