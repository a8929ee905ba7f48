from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "practica.intake"
    default_auto_field = "django.db.models.BigAutoField"
