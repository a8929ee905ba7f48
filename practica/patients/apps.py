from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "practica.patients"
    default_auto_field = "django.db.models.BigAutoField"
