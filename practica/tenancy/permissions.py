"""Permission codes and the default roles a new clinic starts with.

Roles are data: each clinic's Role rows hold their permission codes and an owner
can change them. These defaults are only what `create_clinic` seeds.
"""

PATIENTS_VIEW = "patients.view"
PATIENTS_EDIT = "patients.edit"
SCHEDULE_VIEW = "schedule.view"
SCHEDULE_EDIT = "schedule.edit"
CHART_VIEW = "chart.view"
CHART_EDIT = "chart.edit"
CHART_SIGN = "chart.sign"
# Hand a form (intake, health history, consent) to a patient at the desk and
# submit it. It shows the form's questions, never a patient's answers: reading
# a submission needs CHART_VIEW. Front desk holds it (normal clinic practice).
FORMS_FILL = "forms.fill"
# A patient's balance and account credit (on the patient's page and chart
# banner), nothing more: invoices, payments and every other billing page need
# BILLING_VIEW, held by the billing, admin and owner roles only.
BILLING_BALANCE = "billing.balance"
BILLING_VIEW = "billing.view"
BILLING_EDIT = "billing.edit"
AUDIT_VIEW = "audit.view"
CLINIC_MANAGE = "clinic.manage"

ALL_PERMISSIONS = (
    PATIENTS_VIEW,
    PATIENTS_EDIT,
    SCHEDULE_VIEW,
    SCHEDULE_EDIT,
    CHART_VIEW,
    CHART_EDIT,
    CHART_SIGN,
    FORMS_FILL,
    BILLING_BALANCE,
    BILLING_VIEW,
    BILLING_EDIT,
    AUDIT_VIEW,
    CLINIC_MANAGE,
)

OWNER = "owner"
ADMIN = "admin"
PROVIDER = "provider"
FRONT_DESK = "front_desk"
BILLING = "billing"

ROLE_NAMES = {
    OWNER: "Owner",
    ADMIN: "Administrator",
    PROVIDER: "Provider",
    FRONT_DESK: "Front desk",
    BILLING: "Billing",
}

_DESK = (PATIENTS_VIEW, PATIENTS_EDIT, SCHEDULE_VIEW, SCHEDULE_EDIT, FORMS_FILL)
_MONEY = (BILLING_BALANCE, BILLING_VIEW, BILLING_EDIT)
_ADMIN = (*_DESK, *_MONEY, AUDIT_VIEW, CLINIC_MANAGE)

DEFAULT_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # The owner may read charts (often a clinician too) but signs only as a provider.
    OWNER: (*_ADMIN, CHART_VIEW),
    ADMIN: _ADMIN,
    PROVIDER: (*_DESK, CHART_VIEW, CHART_EDIT, CHART_SIGN),
    # The desk sees what a patient owes, to ask at check-out; taking payments
    # and every billing page belong to the billing role (a clinic can give the
    # desk person that role too).
    FRONT_DESK: (*_DESK, BILLING_BALANCE),
    BILLING: (PATIENTS_VIEW, SCHEDULE_VIEW, *_MONEY),
}
