from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "practica.charting"
    default_auto_field = "django.db.models.BigAutoField"
