from django.urls import path

from practica.billing import views, views_catalogue, views_codes, views_drafts

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
]
