from django.urls import path

from practica.billing import (
    views,
    views_benefits,
    views_catalogue,
    views_codes,
    views_documents,
    views_drafts,
    views_receivables,
)

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
        "invoices/<uuid:invoice_id>/credit-notes/",
        views.credit_note_create,
        name="credit-note-create",
    ),
    path("payments/<uuid:payment_id>/", views.payment_detail, name="payment-detail"),
    path(
        "payments/<uuid:payment_id>/refund/",
        views.payment_refund,
        name="payment-refund",
    ),
    path(
        "patients/<uuid:patient_id>/balance/",
        views.patient_balance_card,
        name="patient-balance",
    ),
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
    path(
        "credit-notes/<uuid:credit_note_id>/credit-note.pdf",
        views_documents.credit_note_pdf,
        name="credit-note-pdf",
    ),
    path(
        "invoices/<uuid:us_invoice_id>/superbill.pdf",
        views_documents.superbill_pdf,
        name="superbill-pdf",
    ),
    path(
        "invoices/<uuid:invoice_id>/email/",
        views_documents.invoice_email,
        name="invoice-email",
    ),
    path(
        "payments/<uuid:payment_id>/email/",
        views_documents.receipt_email,
        name="receipt-email",
    ),
    path(
        "credit-notes/<uuid:credit_note_id>/email/",
        views_documents.credit_note_email,
        name="credit-note-email",
    ),
]

# Online card payments through Stripe (views_online).
from practica.billing import views_online  # noqa: E402

urlpatterns += [
    path(
        "invoices/<uuid:invoice_id>/online/",
        views_online.invoice_online,
        name="invoice-online",
    ),
    path(
        "invoices/<uuid:invoice_id>/online/checkout/",
        views_online.invoice_checkout,
        name="invoice-online-checkout",
    ),
    path(
        "invoices/<uuid:invoice_id>/online/save-card/",
        views_online.invoice_save_card,
        name="invoice-online-save-card",
    ),
    path(
        "invoices/<uuid:invoice_id>/online/charge/",
        views_online.invoice_charge_card,
        name="invoice-online-charge",
    ),
    path(
        "payments/<uuid:payment_id>/refund-to-card/",
        views_online.payment_refund_to_card,
        name="payment-refund-to-card",
    ),
    path(
        "cards/<uuid:card_id>/remove/",
        views_online.saved_card_remove,
        name="saved-card-remove",
    ),
    path("stripe/webhook/", views_online.stripe_webhook, name="stripe-webhook"),
    path("pay/<str:pay_token>/", views_online.online_pay, name="online-pay"),
]

# Receivables: AR aging, patient accounts and statements, write-offs, collections.
urlpatterns += [
    path("ar/", views_receivables.ar_aging, name="ar-aging"),
    path("ar/aging.csv", views_receivables.ar_aging_csv, name="ar-aging-csv"),
    path(
        "patients/<uuid:patient_id>/",
        views_receivables.patient_account,
        name="patient-account",
    ),
    path(
        "patients/<uuid:patient_id>/payments/",
        views_receivables.patient_payment,
        name="patient-payment",
    ),
    path(
        "patients/<uuid:patient_id>/apply-credit/",
        views_receivables.patient_apply_credit,
        name="patient-apply-credit",
    ),
    path(
        "patients/<uuid:patient_id>/statement/",
        views_receivables.patient_statement,
        name="patient-statement",
    ),
    path(
        "patients/<uuid:patient_id>/statement.pdf",
        views_receivables.patient_statement_pdf,
        name="patient-statement-pdf",
    ),
    path(
        "patients/<uuid:patient_id>/statement/email/",
        views_receivables.patient_statement_email,
        name="patient-statement-email",
    ),
    path("write-offs/", views_receivables.write_off_list, name="write-off-list"),
    path(
        "invoices/<uuid:invoice_id>/write-offs/",
        views_receivables.write_off_request,
        name="write-off-request",
    ),
    path(
        "write-offs/<uuid:write_off_id>/approve/",
        views_receivables.write_off_approve,
        name="write-off-approve",
    ),
    path(
        "write-offs/<uuid:write_off_id>/reject/",
        views_receivables.write_off_reject,
        name="write-off-reject",
    ),
    path(
        "collections/",
        views_receivables.collections_worklist,
        name="collections-worklist",
    ),
    path(
        "collections/tasks/<uuid:task_id>/assign/",
        views_receivables.collection_task_assign,
        name="collection-task-assign",
    ),
    path(
        "collections/tasks/<uuid:task_id>/done/",
        views_receivables.collection_task_done,
        name="collection-task-done",
    ),
    path(
        "collections/steps/",
        views_receivables.collection_steps,
        name="collection-steps",
    ),
    path(
        "collections/steps/save/",
        views_receivables.collection_steps_save,
        name="collection-steps-save",
    ),
    path(
        "collections/steps/recommended/",
        views_receivables.collection_steps_recommended,
        name="collection-steps-recommended",
    ),
]

from practica.billing import views_close  # noqa: E402

urlpatterns += [
    path("close/", views_close.close_report, name="close-report"),
    path("close/deposits/", views_close.deposit_create, name="deposit-create"),
    path("close/close/", views_close.day_close, name="day-close"),
    path("revenue/", views_close.revenue_report, name="revenue-report"),
    path("revenue/export.csv", views_close.revenue_csv, name="revenue-csv"),
    # Catalogue, fee schedules, discounts (helper "invoicing").
    path("catalogue/", views_catalogue.catalogue, name="catalogue"),
    path(
        "catalogue/items/create/",
        views_catalogue.item_create,
        name="catalog-item-create",
    ),
    path(
        "catalogue/items/<int:item_id>/",
        views_catalogue.item_detail,
        name="catalog-item-detail",
    ),
    path(
        "catalogue/items/<int:item_id>/edit/",
        views_catalogue.item_edit,
        name="catalog-item-edit",
    ),
    path(
        "catalogue/items/<int:item_id>/active/",
        views_catalogue.item_active,
        name="catalog-item-active",
    ),
    path(
        "catalogue/items/<int:item_id>/delete/",
        views_catalogue.item_delete,
        name="catalog-item-delete",
    ),
    path(
        "catalogue/items/<int:item_id>/prices/",
        views_catalogue.price_create,
        name="price-create",
    ),
    path(
        "catalogue/prices/<int:price_id>/remove/",
        views_catalogue.price_remove,
        name="price-remove",
    ),
    path(
        "catalogue/discounts/create/",
        views_catalogue.discount_create,
        name="discount-create",
    ),
    path(
        "catalogue/discounts/<int:discount_id>/active/",
        views_catalogue.discount_active,
        name="discount-active",
    ),
    # Drafts, a patient's uninvoiced visits, the day's batch (helper "invoicing").
    path(
        "patients/<uuid:patient_id>/uninvoiced/",
        views_drafts.uninvoiced_visits,
        name="uninvoiced-visits",
    ),
    path(
        "patients/<uuid:patient_id>/uninvoiced/invoice/",
        views_drafts.uninvoiced_invoice,
        name="uninvoiced-invoice",
    ),
    path(
        "patients/<uuid:patient_id>/drafts/create/",
        views_drafts.draft_create,
        name="draft-create",
    ),
    path("drafts/<uuid:draft_id>/", views_drafts.draft_detail, name="draft-detail"),
    path("drafts/<uuid:draft_id>/edit/", views_drafts.draft_edit, name="draft-edit"),
    path(
        "drafts/<uuid:draft_id>/lines/item/",
        views_drafts.draft_add_item,
        name="draft-add-item",
    ),
    path(
        "drafts/<uuid:draft_id>/lines/custom/",
        views_drafts.draft_add_custom,
        name="draft-add-custom",
    ),
    path(
        "drafts/<uuid:draft_id>/lines/visits/",
        views_drafts.draft_add_visits,
        name="draft-add-visits",
    ),
    path("drafts/<uuid:draft_id>/issue/", views_drafts.draft_issue, name="draft-issue"),
    path(
        "drafts/<uuid:draft_id>/delete/",
        views_drafts.draft_delete,
        name="draft-delete",
    ),
    path(
        "drafts/lines/<int:line_id>/discount/",
        views_drafts.line_discount,
        name="draft-line-discount",
    ),
    path(
        "drafts/lines/<int:line_id>/remove/",
        views_drafts.line_remove,
        name="draft-line-remove",
    ),
    path("batch/", views_drafts.batch, name="batch"),
    path("batch/invoice/", views_drafts.batch_invoice, name="batch-invoice"),
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
