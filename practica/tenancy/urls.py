from django.urls import path

from practica.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("settings/", views.clinic_settings, name="settings"),
    path(
        "settings/billing/",
        views.clinic_billing_settings,
        name="billing-settings",
    ),
]
