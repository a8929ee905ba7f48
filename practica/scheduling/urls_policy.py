"""URLs of scheduling: policy. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views import policy

urlpatterns: list[URLPattern] = [
    path("setup/policy/", policy.policy_edit, name="policy-edit"),
]
