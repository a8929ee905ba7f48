from django.urls import path

from practica.billing import views, views_benefits, views_codes

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
    path("benefits/plans/", views_benefits.benefit_plans, name="benefits-plans"),
    path(
        "benefits/plans/packages/",
        views_benefits.package_plan_create,
        name="benefits-package-plan-create",
    ),
    path(
        "benefits/plans/memberships/",
        views_benefits.membership_plan_create,
        name="benefits-membership-plan-create",
    ),
    path(
        "benefits/patients/<uuid:patient_id>/",
        views_benefits.patient_benefit_list,
        name="benefits-patient",
    ),
    path(
        "benefits/patients/<uuid:patient_id>/sell/",
        views_benefits.benefit_sell,
        name="benefits-sell",
    ),
    path(
        "benefits/patients/<uuid:patient_id>/gift-cards/",
        views_benefits.gift_card_sell,
        name="benefits-gift-card-sell",
    ),
    path(
        "benefits/patients/<uuid:patient_id>/memberships/cancel/",
        views_benefits.membership_cancel,
        name="benefits-membership-cancel",
    ),
    path(
        "benefits/gift-cards/<uuid:gift_card_id>/code/",
        views_benefits.gift_card_code_reissue,
        name="benefits-gift-card-code",
    ),
    path(
        "invoices/<uuid:invoice_id>/gift-card/",
        views_benefits.gift_card_redeem_form,
        name="benefits-gift-card-redeem-form",
    ),
    path(
        "invoices/<uuid:invoice_id>/gift-card/redeem/",
        views_benefits.gift_card_redeem,
        name="benefits-gift-card-redeem",
    ),
]
