"""Main settings plus the demo app, until `practica.demo` is in INSTALLED_APPS.

Usage: DJANGO_SETTINGS_MODULE=bench.demo_settings python manage.py load_demo
"""

from practica.config.settings import *  # noqa: F403
from practica.config.settings import INSTALLED_APPS

if "practica.demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "practica.demo"]
