from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "practica.search"
    default_auto_field = "django.db.models.BigAutoField"
