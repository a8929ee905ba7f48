from django.urls import path

from practica.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("create/", views.patient_create, name="patient-create"),
    path("picker/", views.patient_picker, name="patient-picker"),
    path("<uuid:patient_id>/", views.patient_detail, name="patient-detail"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="patient-edit"),
]
