from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic clinics: the `load_demo` command and the benchmark generator."""

    name = "practica.demo"
    label = "demo"
    verbose_name = "Demo data"
