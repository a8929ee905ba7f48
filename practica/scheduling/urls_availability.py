"""URLs of scheduling: availability. Included by scheduling/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
