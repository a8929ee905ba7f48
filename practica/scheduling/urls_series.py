"""URLs of scheduling: series. Included by scheduling/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
