"""Form definitions (shipped, created, versioned, retired) and submissions:
validation naming the field, the signature, the PDF, the audit record."""

from __future__ import annotations

import hashlib
import json

import pytest

from practica.audit.models import AuditEntry
from practica.intake.errors import (
    FormChangedError,
    FormPermissionError,
    InvalidFormError,
    SubmissionLockedError,
)
from practica.intake.form_fields import FormField
from practica.intake.models import FormDefinition, FormKind, FormSubmission
from practica.intake.services import (
    answers_digest,
    create_form,
    ensure_shipped_forms,
    mark_superseded,
    save_new_version,
    set_form_active,
    submit_form,
)
from practica.intake.shipped_forms import AGREE, SHIPPED_FORMS
from practica.intake.tests.factories import FormDefinitionFactory, make_signature
from practica.intake.tests.helpers import posted
from practica.patients.models import Patient
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location

pytestmark = pytest.mark.django_db

CONSENT = "consent-assessment-treatment"
FIELDS: list[FormField] = [
    {"name": "reason", "label": "Reason", "section": "Visit", "type": "text"},
    {
        "name": "pain",
        "label": "Pain now",
        "section": "Visit",
        "type": "scale",
        "required": True,
    },
    {"name": "since", "label": "Since", "section": "Visit", "type": "date"},
]


def _consent(actor: Actor, patient: Patient, **overrides: object) -> FormSubmission:
    arguments: dict[str, object] = {
        "actor": actor,
        "patient": patient,
        "form_key": CONSENT,
        "version": 1,
        "data": posted({"agreement": [AGREE]}),
        "signature_png": make_signature(),
        "signer_name": "Alex Example",
        "signer_relationship": "self",
    }
    arguments.update(overrides)
    return submit_form(**arguments)  # type: ignore[arg-type]  # keyword test helper


def test_shipped_forms_install_once(clinic: Clinic) -> None:
    # when
    first = ensure_shipped_forms(clinic=clinic)
    second = ensure_shipped_forms(clinic=clinic)
    # then
    assert [d.key for d in first] == [s.key for s in SHIPPED_FORMS]
    assert [d.pk for d in first] == [d.pk for d in second]
    assert FormDefinition.objects.filter(clinic=clinic).count() == len(SHIPPED_FORMS)


def test_privacy_consent_follows_the_clinics_country(clinic: Clinic) -> None:
    # given a clinic whose location is in the United States
    Location.objects.filter(clinic=clinic).update(country="US")
    # when
    ensure_shipped_forms(clinic=clinic)
    # then
    privacy = FormDefinition.objects.get(clinic=clinic, key="privacy-consent")
    assert "HIPAA" in privacy.legal_text
    assert "PIPEDA" not in privacy.legal_text


def test_create_form_and_new_version_keep_the_old_version(
    owner_actor: Actor,
) -> None:
    # given
    created = create_form(
        actor=owner_actor, kind=FormKind.INTAKE, title="Sports intake", fields=FIELDS
    )
    # when
    second = save_new_version(
        actor=owner_actor,
        key=created.key,
        title="Sports intake",
        fields=[
            *FIELDS,
            {"name": "sport", "label": "Sport", "section": "Sport", "type": "text"},
        ],
    )
    # then
    assert created.key == "sports-intake"
    assert (second.key, second.version) == ("sports-intake", 2)
    created.refresh_from_db()
    assert len(created.fields) == 3
    assert len(second.fields) == 4
    assert (
        AuditEntry.objects.filter(action="version", object_id=str(second.pk)).count()
        == 1
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([], "Add at least one field."),
        (
            [{"name": "a", "label": "A", "section": "Q", "type": "choice"}],
            "Field 1 (A): add at least one choice.",
        ),
        (
            [
                {"name": "a", "label": "A", "section": "Q", "type": "text"},
                {"name": "a", "label": "B", "section": "Q", "type": "text"},
            ],
            "Field 2 (B): the name “a” is used by another field.",
        ),
        (
            [
                {
                    "name": "a",
                    "label": "A",
                    "section": "Q",
                    "type": "scale",
                    "maps_to": "allergy",
                }
            ],
            "Field 1 (A): only short text, long text, choice and checklist answers "
            "can map into the chart.",
        ),
    ],
)
def test_create_form_refuses_bad_questions_and_saves_nothing(
    owner_actor: Actor, fields: list[FormField], message: str
) -> None:
    # when
    with pytest.raises(InvalidFormError) as caught:
        create_form(actor=owner_actor, kind=FormKind.INTAKE, title="T", fields=fields)
    # then
    assert message in caught.value.errors["fields"]
    assert not FormDefinition.objects.filter(clinic=owner_actor.clinic).exists()


def test_a_consent_needs_legal_text(owner_actor: Actor) -> None:
    with pytest.raises(InvalidFormError) as caught:
        create_form(actor=owner_actor, kind=FormKind.CONSENT, title="C", fields=FIELDS)
    assert caught.value.errors["legal_text"] == [
        "Legal text: a consent form needs its legal text."
    ]


def test_only_managers_build_forms(provider_actor: Actor) -> None:
    with pytest.raises(FormPermissionError):
        create_form(
            actor=provider_actor, kind=FormKind.INTAKE, title="T", fields=FIELDS
        )


def test_retire_a_shipped_form_installs_it_then_retires_it(owner_actor: Actor) -> None:
    # when
    retired = set_form_active(actor=owner_actor, key=CONSENT, is_active=False)
    # then
    assert retired.is_active is False
    assert not FormDefinition.objects.get(
        clinic=owner_actor.clinic, key=CONSENT
    ).is_active
    with pytest.raises(InvalidFormError):
        set_form_active(actor=owner_actor, key=CONSENT, is_active=False)


def test_submit_a_consent_stores_answers_signature_and_pdf(
    front_desk_actor: Actor, patient: Patient
) -> None:
    # when the front desk hands the consent over and the patient signs
    submission = _consent(front_desk_actor, patient)
    # then
    stored = FormSubmission.objects.get(pk=submission.pk)
    assert stored.answers == {"agreement": [AGREE]}
    assert (stored.form_key, stored.form_version) == (CONSENT, 1)
    assert stored.signer_name == "Alex Example"
    assert stored.handed_by == front_desk_actor.membership
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert stored.pdf_sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest()
    canonical = json.dumps(
        {"agreement": [AGREE]}, sort_keys=True, separators=(",", ":")
    )
    assert stored.answers_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert bytes(stored.signature_png) == make_signature()
    entry = AuditEntry.objects.get(action="create", object_id=str(submission.pk))
    assert entry.patient_id == patient.pk


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "pain", "Pain now: this answer is required."),
        ({"pain": "11"}, "pain", "Pain now: Enter a whole number from 0 to 10."),
        (
            {"pain": "3", "since": "31/02/2026"},
            "since",
            "Since: Enter a date as YYYY-MM-DD.",
        ),
    ],
)
def test_bad_answers_are_refused_naming_the_field(
    owner_actor: Actor,
    front_desk_actor: Actor,
    patient: Patient,
    answers: dict[str, str],
    field: str,
    message: str,
) -> None:
    # given
    form = create_form(
        actor=owner_actor, kind=FormKind.INTAKE, title="Short", fields=FIELDS
    )
    # when
    with pytest.raises(InvalidFormError) as caught:
        submit_form(
            actor=front_desk_actor,
            patient=patient,
            form_key=form.key,
            version=1,
            data=posted(answers),
        )
    # then
    assert caught.value.errors[field] == [message]
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (b"", "Signature: please sign in the box."),
        (make_signature(blank=True), "Signature: please sign in the box."),
        (b"GIF89a not a png", "Signature: the image is not a PNG."),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
            "Signature: the image is damaged or not a PNG.",
        ),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 400_000,
            "Signature: the image is larger than 300 KB.",
        ),
        (
            make_signature((4000, 100)),
            "Signature: the image is larger than 3000 x 1500 pixels.",
        ),
    ],
)
def test_a_consent_refuses_a_missing_or_bad_signature(
    front_desk_actor: Actor, patient: Patient, signature: bytes, message: str
) -> None:
    with pytest.raises(InvalidFormError) as caught:
        _consent(front_desk_actor, patient, signature_png=signature)
    assert caught.value.errors["signature"] == [message]
    assert not FormSubmission.objects.exists()


def test_a_consent_needs_the_signer_and_relationship(
    front_desk_actor: Actor, patient: Patient
) -> None:
    with pytest.raises(InvalidFormError) as caught:
        _consent(
            front_desk_actor, patient, signer_name=" ", signer_relationship="friend"
        )
    assert set(caught.value.errors) == {"signer_name", "signer_relationship"}


def test_a_form_changed_while_filling_is_refused(
    owner_actor: Actor, front_desk_actor: Actor, patient: Patient
) -> None:
    # given the owner saved version 2 while the patient answered version 1
    form = FormDefinitionFactory(clinic=owner_actor.clinic)
    save_new_version(
        actor=owner_actor, key=form.key, title=form.title, fields=form.fields
    )
    # when / then
    with pytest.raises(FormChangedError):
        submit_form(
            actor=front_desk_actor,
            patient=patient,
            form_key=form.key,
            version=1,
            data=posted({"reason": "Knee"}),
        )


def test_billing_cannot_submit_forms(billing_actor: Actor, patient: Patient) -> None:
    with pytest.raises(FormPermissionError):
        _consent(billing_actor, patient)


def test_answers_digest_is_canonical() -> None:
    assert answers_digest({"b": 1, "a": ["x"]}) == answers_digest({"a": ["x"], "b": 1})


def test_supersede_needs_a_newer_submission_and_happens_once(
    front_desk_actor: Actor, provider_actor: Actor, patient: Patient
) -> None:
    # given
    old = _consent(front_desk_actor, patient)
    with pytest.raises(InvalidFormError):
        mark_superseded(actor=provider_actor, submission=old, reason="Wrong signer")
    new = _consent(front_desk_actor, patient, signer_name="Sam Example")
    # when
    mark = mark_superseded(actor=provider_actor, submission=old, reason="Wrong signer")
    # then
    assert mark.superseded_by == new
    with pytest.raises(SubmissionLockedError):
        mark_superseded(actor=provider_actor, submission=old, reason="Again")
