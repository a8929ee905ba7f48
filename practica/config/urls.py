from django.urls import include, path

urlpatterns = [
    path("", include("practica.core.urls")),
    path("accounts/", include("practica.accounts.urls")),
    path("clinic/", include("practica.tenancy.urls")),
    path("audit/", include("practica.audit.urls")),
    path("patients/", include("practica.patients.urls")),
    path("schedule/", include("practica.scheduling.urls")),
    path("charting/", include("practica.charting.urls")),
    path("outcomes/", include("practica.outcomes.urls")),
    path("documents/", include("practica.documents.urls")),
    path("labs/", include("practica.labs.urls")),
    path("plans/", include("practica.plans.urls")),
    path("forms/", include("practica.intake.urls")),
    path("search/", include("practica.search.urls")),
    path("billing/", include("practica.billing.urls")),
    path("reports/", include("practica.reports.urls")),
]
