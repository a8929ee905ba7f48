from django.urls import path

from practica.billing import views, views_codes

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="invoice-list"),
    path("invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice-detail"),
    path(
        "invoices/<uuid:invoice_id>/payments/",
        views.payment_create,
        name="payment-create",
    ),
    path("invoices/<uuid:invoice_id>/void/", views.invoice_void, name="invoice-void"),
    path(
        "invoices/<uuid:invoice_id>/invoice.pdf", views.invoice_pdf, name="invoice-pdf"
    ),
    path(
        "payments/<uuid:payment_id>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"
    ),
    path(
        "appointments/<uuid:appointment_id>/invoice/",
        views.invoice_from_appointment,
        name="invoice-from-appointment",
    ),
    path(
        "notes/<uuid:note_id>/invoice/",
        views.invoice_from_note,
        name="invoice-from-note",
    ),
    path("codes/", views_codes.procedure_code_list, name="procedure-code-list"),
    path("codes/load/", views_codes.procedure_code_load, name="procedure-code-load"),
    path(
        "codes/search/",
        views_codes.procedure_code_search,
        name="procedure-code-search",
    ),
]

from practica.billing import views_close  # noqa: E402

urlpatterns += [
    path("close/", views_close.close_report, name="close-report"),
    path("close/deposits/", views_close.deposit_create, name="deposit-create"),
    path("close/close/", views_close.day_close, name="day-close"),
    path("revenue/", views_close.revenue_report, name="revenue-report"),
    path("revenue/export.csv", views_close.revenue_csv, name="revenue-csv"),
]
