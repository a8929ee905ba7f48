from django.urls import path

from practica.core import views

app_name = "core"
urlpatterns = [path("", views.home, name="home")]
