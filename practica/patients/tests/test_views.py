import datetime
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.patients.models import Patient
from practica.patients.tests.factories import PatientFactory
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import BILLING, FRONT_DESK

ClientFor = Callable[[Membership], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}

FORM = {
    "first_name": "Avery",
    "last_name": "Testperson",
    "date_of_birth": "1985-06-15",
    "sex": "female",
    "email": "avery@example.test",
    "phone": "416-555-0123",
    "preferred_language": "English",
    "has_email_consent": "on",
}


@pytest.fixture
def desk_client(clinic: Clinic, client_for: ClientFor) -> Client:
    from practica.tenancy.tests.factories import make_member

    return client_for(make_member(clinic, [FRONT_DESK]))


@pytest.fixture
def billing_client(clinic: Clinic, client_for: ClientFor) -> Client:
    from practica.tenancy.tests.factories import make_member

    return client_for(make_member(clinic, [BILLING]))


def _detail_url(patient_id: uuid.UUID) -> str:
    return reverse("patients:patient-detail", kwargs={"patient_id": patient_id})


def _edit_url(patient_id: uuid.UUID) -> str:
    return reverse("patients:patient-edit", kwargs={"patient_id": patient_id})


# list and search


def test_list_shows_patients_and_records_one_view(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=clinic, first_name="Avery", last_name="Testperson")

    # when
    response = desk_client.get(reverse("patients:patient-list"))

    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Patients" in body
    assert "Testperson, Avery" in body
    assert 'hx-target="#results"' in body
    assert response["Vary"].count("HX-Request") == 1
    entry = AuditEntry.objects.get(action="view")
    assert (entry.patient_id, entry.detail) == (None, "patient list")


def test_list_search_htmx_renders_only_the_results_partial(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=clinic, first_name="John", last_name="Smith")
    PatientFactory(clinic=clinic, first_name="Jane", last_name="Doe")

    # when
    response = desk_client.get(
        reverse("patients:patient-list"), {"q": "jonh smtih"}, **HTMX
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>" not in body
    assert "Smith, John" in body
    assert "Doe, Jane" not in body
    assert AuditEntry.objects.get(action="view").detail == "patient search"


def test_list_search_full_page_without_match_records_nothing(
    desk_client: Client, clinic: Clinic
) -> None:
    # when
    response = desk_client.get(reverse("patients:patient-list"), {"q": "nobody"})

    # then
    assert response.status_code == 200
    assert "No patient matches “nobody”." in response.content.decode()
    assert AuditEntry.objects.filter(action="view").count() == 0


def test_list_search_never_shows_other_clinics(
    desk_client: Client, other_clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=other_clinic, first_name="John", last_name="Smith")

    # when
    listing = desk_client.get(reverse("patients:patient-list"))
    search = desk_client.get(reverse("patients:patient-list"), {"q": "smith"})

    # then
    assert "Smith, John" not in listing.content.decode()
    assert "Smith, John" not in search.content.decode()


@pytest.mark.parametrize("size", [2, 60])
def test_list_query_count_does_not_grow(
    desk_client: Client,
    clinic: Clinic,
    size: int,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    # given
    PatientFactory.create_batch(size, clinic=clinic)
    url = reverse("patients:patient-list")
    desk_client.get(url)

    # when / then: the first page stamped the session's activity, which is
    # rewritten only when 30 seconds old, so these pages do not save it
    with django_assert_num_queries(11):
        desk_client.get(url)
    with django_assert_num_queries(10):
        desk_client.get(url, {"q": "testlast"}, **HTMX)


def test_list_paginates(desk_client: Client, clinic: Clinic) -> None:
    # given
    PatientFactory.create_batch(51, clinic=clinic)

    # when
    first = desk_client.get(reverse("patients:patient-list"))
    second = desk_client.get(reverse("patients:patient-list"), {"page": "2"})

    # then
    assert "Page 1 of 2" in first.content.decode()
    assert second.content.decode().count('<td><a href="/patients/') == 1


def test_list_needs_login(client: Client) -> None:
    # when
    response = client.get(reverse("patients:patient-list"))

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/patients/"


# detail


def test_detail_shows_record_and_records_one_view(
    billing_client: Client, clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(
        clinic=clinic,
        first_name="Avery",
        last_name="Testperson",
        phone="+14165550123",
        emergency_contact_name="Robin Contact",
        emergency_contact_phone="+16135550100",
        has_sms_consent=True,
    )

    # when
    response = billing_client.get(_detail_url(patient.id))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Avery Testperson" in body
    assert "(416) 555-0123" in body
    assert "Robin Contact" in body
    assert "(613) 555-0100" in body
    assert f'href="/schedule/appointments/create/?patient={patient.id}"' in body
    assert (
        f'<section id="timeline" hx-get="/reports/patients/{patient.id}/timeline/" '
        'hx-trigger="load" hx-swap="innerHTML"><p class="muted">Loading timeline…</p>'
        "</section>"
    ) in body
    assert _edit_url(patient.id) not in body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.patient_id) == ("view", patient.id)


def test_detail_of_other_clinic_is_404_and_audited(
    desk_client: Client, other_clinic: Clinic
) -> None:
    # given
    foreign = PatientFactory(clinic=other_clinic)

    # when
    response = desk_client.get(_detail_url(foreign.id))

    # then
    assert response.status_code == 404
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.object_id, entry.patient_id) == (
        "denied",
        str(foreign.id),
        None,
    )


# create


def test_create_form_page_and_partial(desk_client: Client) -> None:
    # when
    page = desk_client.get(reverse("patients:patient-create"))
    partial = desk_client.get(reverse("patients:patient-create"), **HTMX)

    # then
    assert page.status_code == 200
    assert "<title>Register patient" in page.content.decode()
    assert partial.content.decode().lstrip().startswith('<form method="post"')


def test_create_registers_and_redirects(desk_client: Client, clinic: Clinic) -> None:
    # when
    response = desk_client.post(reverse("patients:patient-create"), FORM)

    # then
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(patient.id)
    assert (patient.clinic_id, patient.phone, patient.has_email_consent) == (
        clinic.pk,
        "+14165550123",
        True,
    )
    assert (
        AuditEntry.objects.filter(action="create", patient_id=patient.id).count() == 1
    )


def test_create_htmx_success_redirects_the_client(desk_client: Client) -> None:
    # when
    response = desk_client.post(reverse("patients:patient-create"), FORM, **HTMX)

    # then
    assert response.status_code == 200
    assert response["HX-Redirect"] == _detail_url(Patient.objects.get().id)


def test_create_invalid_is_422_naming_the_field(desk_client: Client) -> None:
    # when
    response = desk_client.post(
        reverse("patients:patient-create"),
        {**FORM, "phone": "555", "date_of_birth": "2999-01-01"},
    )

    # then
    body = response.content.decode()
    assert response.status_code == 422
    assert "Phone: enter a valid phone number, e.g. 416-555-0123" in body
    assert "Date of birth: cannot be in the future." in body
    assert Patient.objects.count() == 0


def test_create_invalid_htmx_renders_the_form_partial(desk_client: Client) -> None:
    # when
    response = desk_client.post(
        reverse("patients:patient-create"), {**FORM, "first_name": ""}, **HTMX
    )

    # then
    body = response.content.decode()
    assert response.status_code == 422
    assert "<title>" not in body
    assert "First name: enter the patient&#x27;s first name." in body


def test_create_warns_about_duplicates_then_registers_anyway(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    existing = PatientFactory(
        clinic=clinic,
        first_name="AVERY",
        last_name="Testperson",
        date_of_birth=datetime.date(1985, 6, 15),
    )

    # when
    warned = desk_client.post(reverse("patients:patient-create"), FORM)
    confirmed = desk_client.post(
        reverse("patients:patient-create"), {**FORM, "confirm_duplicate": "1"}
    )

    # then
    body = warned.content.decode()
    assert warned.status_code == 422
    assert "Possible duplicate." in body
    assert f'href="{_detail_url(existing.id)}"' in body
    assert "born 1985-06-15" in body
    assert 'name="confirm_duplicate" value="1"' in body
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_create_warns_about_same_phone(desk_client: Client, clinic: Clinic) -> None:
    # given
    PatientFactory(clinic=clinic, last_name="Other", phone="+14165550123")

    # when
    response = desk_client.post(reverse("patients:patient-create"), FORM)

    # then
    assert response.status_code == 422
    assert "Possible duplicate." in response.content.decode()
    assert Patient.objects.count() == 1


def test_create_ignores_duplicates_in_other_clinics(
    desk_client: Client, other_clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=other_clinic, phone="+14165550123")

    # when
    response = desk_client.post(reverse("patients:patient-create"), FORM)

    # then
    assert response.status_code == 302


def test_create_is_forbidden_without_edit_permission(billing_client: Client) -> None:
    # when
    get = billing_client.get(reverse("patients:patient-create"))
    post = billing_client.post(reverse("patients:patient-create"), FORM)

    # then
    assert (get.status_code, post.status_code) == (403, 403)
    assert Patient.objects.count() == 0
    assert AuditEntry.objects.filter(outcome="denied").count() == 2


# edit


def test_edit_form_shows_current_values_and_records_one_view(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(clinic=clinic, first_name="Avery", phone="+14165550123")

    # when
    response = desk_client.get(_edit_url(patient.id))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Avery"' in body
    assert 'value="+14165550123"' in body
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.patient_id) == ("view", patient.id)


def test_edit_updates_and_audits_once(desk_client: Client, clinic: Clinic) -> None:
    # given
    patient = PatientFactory(
        clinic=clinic,
        first_name="Avery",
        last_name="Testperson",
        date_of_birth=datetime.date(1985, 6, 15),
        phone="+14165550123",
        email="avery@example.test",
    )

    # when
    response = desk_client.post(
        _edit_url(patient.id), {**FORM, "city": "Kingston", "sex": "female"}
    )

    # then
    patient.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == _detail_url(patient.id)
    assert patient.city == "Kingston"
    assert list(AuditEntry.objects.values_list("action", "detail")) == [
        ("update", "changed: sex, city, has_email_consent")
    ]


def test_edit_changing_identity_warns_about_duplicates(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    PatientFactory(clinic=clinic, phone="+16135550100")
    patient = PatientFactory(clinic=clinic, phone="+14165550123")

    # when
    response = desk_client.post(
        _edit_url(patient.id), {**FORM, "phone": "613-555-0100"}, **HTMX
    )

    # then
    assert response.status_code == 422
    assert "Save anyway" in response.content.decode()
    patient.refresh_from_db()
    assert patient.phone == "+14165550123"


def test_edit_invalid_is_422_and_changes_nothing(
    desk_client: Client, clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(clinic=clinic, first_name="Avery")

    # when
    response = desk_client.post(
        _edit_url(patient.id), {**FORM, "first_name": "", "email": "x@"}
    )

    # then
    body = response.content.decode()
    assert response.status_code == 422
    assert "Email: enter a valid email address, e.g. name@example.com." in body
    patient.refresh_from_db()
    assert patient.first_name == "Avery"


def test_edit_of_other_clinic_is_404(desk_client: Client, other_clinic: Clinic) -> None:
    # given
    foreign = PatientFactory(clinic=other_clinic, first_name="Keep")

    # when
    get = desk_client.get(_edit_url(foreign.id))
    post = desk_client.post(_edit_url(foreign.id), FORM)

    # then
    foreign.refresh_from_db()
    assert (get.status_code, post.status_code) == (404, 404)
    assert foreign.first_name == "Keep"
    assert AuditEntry.objects.filter(outcome="denied").count() == 2


# picker


def test_picker_lists_matches_as_radio_inputs(
    billing_client: Client, clinic: Clinic, other_clinic: Clinic
) -> None:
    # given
    patient = PatientFactory(
        clinic=clinic,
        first_name="Zoé",
        last_name="Côté",
        date_of_birth=datetime.date(2001, 7, 4),
    )
    PatientFactory(clinic=other_clinic, first_name="Zoé", last_name="Côté")

    # when
    response = billing_client.get(
        reverse("patients:patient-picker"), {"q": "zoe"}, **HTMX
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('type="radio" name="patient"') == 1
    assert f'value="{patient.id}"' in body
    assert "born 2001-07-04" in body
    assert AuditEntry.objects.get(action="view").detail == "patient picker"


def test_picker_without_query_asks_for_one(billing_client: Client) -> None:
    # when
    response = billing_client.get(reverse("patients:patient-picker"))

    # then
    assert "Type a name, phone, email or date of birth." in response.content.decode()
    assert AuditEntry.objects.count() == 0


def test_picker_needs_patients_view(clinic: Clinic, client_for: ClientFor) -> None:
    # given
    from practica.tenancy.tests.factories import make_member

    nobody = client_for(make_member(clinic, []))

    # when
    response = nobody.get(reverse("patients:patient-picker"), {"q": "a"})

    # then
    assert response.status_code == 403
