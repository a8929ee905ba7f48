from django.urls import URLPattern

app_name = "charting"
urlpatterns: list[URLPattern] = []
