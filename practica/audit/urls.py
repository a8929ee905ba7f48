from django.urls import path

from practica.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="entry-list"),
    path("export.csv", views.audit_export, name="entry-export"),
]
