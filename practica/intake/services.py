"""Writes of the intake app: form definitions (the builder), submissions,
superseded marks and decisions on proposed chart entries.

A submission never changes. These services offer no edit; migration 0002's
triggers refuse UPDATE (and, on PostgreSQL, DELETE) in the database as well.
A correction is a new submission; the old one is marked superseded by a
separate row.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from practica.audit.services import record_change
from practica.charting import services_chart
from practica.charting.errors import ChartEntryInvalidError
from practica.charting.models import Allergy
from practica.intake.errors import (
    FormChangedError,
    FormPermissionError,
    InvalidFormError,
    SubmissionLockedError,
)
from practica.intake.form_fields import (
    Answer,
    FormField,
    clean_answers,
    definition_errors,
)
from practica.intake.legal_text import LEGAL_TEXT_MAX
from practica.intake.mapping import Proposal, proposals_for
from practica.intake.models import (
    FormDefinition,
    FormKind,
    FormSubmission,
    MappingDecision,
    SignerRelationship,
    SubmissionSupersession,
)
from practica.intake.pdf import submission_pdf
from practica.intake.shipped_forms import SHIPPED_BY_KEY, SHIPPED_FORMS, ShippedForm
from practica.intake.signatures import SignatureRefusedError, validate_signature_png
from practica.tenancy.models import Location
from practica.tenancy.permissions import CHART_EDIT, CLINIC_MANAGE, FORMS_FILL

if TYPE_CHECKING:
    from practica.patients.models import Patient
    from practica.tenancy.actor import Actor
    from practica.tenancy.models import Clinic

TITLE_MAX = 150
DESCRIPTION_MAX = 2_000
SIGNER_NAME_MAX = 150
REASON_MAX = 300


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise FormPermissionError(f"Missing permission {permission}.")


# --- Shipped forms ------------------------------------------------------------


def clinic_country(clinic: Clinic) -> str:
    """The country of the clinic's first location ("CA" when it has none)."""
    country = (
        Location.objects.filter(clinic=clinic)
        .order_by("created_at", "pk")
        .values_list("country", flat=True)
        .first()
    )
    return country or "CA"


def clinic_timezone(clinic: Clinic) -> str:
    """The time zone of the clinic's first location, for showing times."""
    tz = (
        Location.objects.filter(clinic=clinic)
        .order_by("created_at", "pk")
        .values_list("timezone", flat=True)
        .first()
    )
    return tz or "America/Toronto"


def shipped_definition(
    *, clinic: Clinic, shipped: ShippedForm, country: str
) -> FormDefinition:
    """Version 1 of a shipped form for `clinic`, not saved."""
    return FormDefinition(
        clinic=clinic,
        key=shipped.key,
        version=1,
        kind=shipped.kind,
        title=shipped.title,
        description=shipped.description,
        fields=[dict(f) for f in shipped.fields],
        legal_text=shipped.legal_text_for(country),
    )


def ensure_shipped_forms(*, clinic: Clinic) -> list[FormDefinition]:
    """Install version 1 of each shipped form the clinic lacks (idempotent).
    Returns the version-1 rows of every shipped key, in catalogue order."""
    country = clinic_country(clinic)
    installed = []
    with transaction.atomic():
        for shipped in SHIPPED_FORMS:
            model = shipped_definition(clinic=clinic, shipped=shipped, country=country)
            definition, _ = FormDefinition.objects.get_or_create(
                clinic=clinic,
                key=shipped.key,
                version=1,
                defaults={
                    "kind": model.kind,
                    "title": model.title,
                    "description": model.description,
                    "fields": model.fields,
                    "legal_text": model.legal_text,
                },
            )
            installed.append(definition)
    return installed


def _latest(clinic: Clinic, key: str) -> FormDefinition | None:
    return (
        FormDefinition.objects.filter(clinic=clinic, key=key)
        .order_by("-version")
        .first()
    )


# --- The builder ----------------------------------------------------------------


def _definition_input_errors(
    *,
    kind: str,
    title: str,
    description: str,
    fields: Sequence[Mapping[str, object]],
    legal_text: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in FormKind.values:
        errors["kind"] = ["Kind: choose a listed kind of form."]
    if not title:
        errors["title"] = ["Title: give the form a title."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Title: keep it under {TITLE_MAX} characters."]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            f"Introduction: keep it under {DESCRIPTION_MAX:,} characters."
        ]
    if kind == FormKind.CONSENT and not legal_text:
        errors["legal_text"] = ["Legal text: a consent form needs its legal text."]
    elif len(legal_text) > LEGAL_TEXT_MAX:
        errors["legal_text"] = [
            f"Legal text: keep it under {LEGAL_TEXT_MAX:,} characters."
        ]
    field_errors = definition_errors(fields)
    if field_errors:
        errors["fields"] = field_errors
    return errors


def _unique_key(clinic: Clinic, title: str) -> str:
    base = slugify(title)[:50].strip("-") or "form"
    taken = set(
        FormDefinition.objects.filter(clinic=clinic, key__startswith=base)
        .values_list("key", flat=True)
        .distinct()
    ) | {*SHIPPED_BY_KEY, "new"}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def create_form(
    *,
    actor: Actor,
    kind: str,
    title: str,
    description: str = "",
    fields: Sequence[FormField],
    legal_text: str = "",
) -> FormDefinition:
    """A new clinic form, version 1; its key is made from the title."""
    _require(actor, CLINIC_MANAGE)
    title, description, legal_text = title.strip(), description.strip(), legal_text
    errors = _definition_input_errors(
        kind=kind,
        title=title,
        description=description,
        fields=fields,
        legal_text=legal_text.strip(),
    )
    if errors:
        raise InvalidFormError(errors)
    with transaction.atomic():
        definition = FormDefinition.objects.create(
            clinic=actor.clinic,
            key=_unique_key(actor.clinic, title),
            version=1,
            kind=kind,
            title=title,
            description=description,
            fields=[dict(f) for f in fields],
            legal_text=legal_text.strip(),
            created_by=actor.membership,
        )
        record_change(
            actor=actor,
            action="create",
            obj=definition,
            patient_id=None,
            detail=definition.key,
        )
    return definition


def save_new_version(
    *,
    actor: Actor,
    key: str,
    title: str,
    description: str = "",
    fields: Sequence[FormField],
    legal_text: str = "",
) -> FormDefinition:
    """Save an edit of a form as its next version; earlier versions and the
    submissions made with them stay as they were."""
    _require(actor, CLINIC_MANAGE)
    if key in SHIPPED_BY_KEY:
        ensure_shipped_forms(clinic=actor.clinic)
    title, description = title.strip(), description.strip()
    with transaction.atomic():
        latest = (
            FormDefinition.objects.select_for_update()
            .filter(clinic=actor.clinic, key=key)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise InvalidFormError({"__all__": ["Form: no such form in this clinic."]})
        errors = _definition_input_errors(
            kind=latest.kind,
            title=title,
            description=description,
            fields=fields,
            legal_text=legal_text.strip(),
        )
        if errors:
            raise InvalidFormError(errors)
        definition = FormDefinition.objects.create(
            clinic=actor.clinic,
            key=key,
            version=latest.version + 1,
            kind=latest.kind,
            title=title,
            description=description,
            fields=[dict(f) for f in fields],
            legal_text=legal_text.strip(),
            is_active=latest.is_active,
            created_by=actor.membership,
        )
        record_change(
            actor=actor,
            action="version",
            obj=definition,
            patient_id=None,
            detail=f"{key} v{definition.version}",
        )
    return definition


def set_form_active(*, actor: Actor, key: str, is_active: bool) -> FormDefinition:
    """Retire a form (no longer offered for filling) or bring it back. Its
    submissions are unaffected."""
    _require(actor, CLINIC_MANAGE)
    if key in SHIPPED_BY_KEY:
        ensure_shipped_forms(clinic=actor.clinic)
    with transaction.atomic():
        rows = FormDefinition.objects.select_for_update().filter(
            clinic=actor.clinic, key=key
        )
        latest = rows.order_by("-version").first()
        if latest is None:
            raise InvalidFormError({"__all__": ["Form: no such form in this clinic."]})
        if latest.is_active == is_active:
            state = "in use" if is_active else "retired"
            raise InvalidFormError({"__all__": [f"Form: it is already {state}."]})
        rows.update(is_active=is_active, updated_at=timezone.now())
        latest.is_active = is_active
        record_change(
            actor=actor,
            action="reactivate" if is_active else "retire",
            obj=latest,
            patient_id=None,
            detail=key,
        )
    return latest


# --- Submissions ------------------------------------------------------------------


def answers_digest(answers: Mapping[str, Answer]) -> str:
    """SHA-256 of the answers in a canonical JSON form (sorted keys, no
    spaces), printed on the PDF so a copy can be checked against the record."""
    canonical = json.dumps(
        answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _signer_errors(
    *, definition: FormDefinition, signer_name: str, signer_relationship: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not definition.is_consent:
        return errors
    if not signer_name:
        errors["signer_name"] = ["Signer's name: type the name of the person signing."]
    elif len(signer_name) > SIGNER_NAME_MAX:
        errors["signer_name"] = [
            f"Signer's name: keep it under {SIGNER_NAME_MAX} characters."
        ]
    if signer_relationship not in SignerRelationship.values:
        errors["signer_relationship"] = [
            "Relationship: choose who is signing (self, parent or guardian, "
            "substitute decision-maker)."
        ]
    return errors


def submit_form(
    *,
    actor: Actor,
    patient: Patient,
    form_key: str,
    version: int,
    data: QueryDict,
    signature_png: bytes = b"",
    signer_name: str = "",
    signer_relationship: str = "",
    signed_at: datetime.datetime | None = None,
) -> FormSubmission:
    """Validate the patient's answers (and, for a consent, the drawn signature
    and the signer) against the form version that was shown, then store the
    submission with its PDF. Raises InvalidFormError naming every field at
    fault, FormChangedError when that version is no longer the one in use;
    nothing is written then. `signed_at` (demo data, paper forms entered
    later) defaults to now and may not be in the future."""
    _require(actor, FORMS_FILL)
    if patient.clinic_id != actor.clinic.pk:
        raise FormPermissionError("The patient is not in this clinic.")
    if form_key in SHIPPED_BY_KEY:
        ensure_shipped_forms(clinic=actor.clinic)
    definition = _latest(actor.clinic, form_key)
    if definition is None:
        raise FormChangedError("This form does not exist in this clinic.")
    if not definition.is_active:
        raise FormChangedError("This form has been retired and cannot be filled.")
    if definition.version != version:
        raise FormChangedError(
            "This form was changed while it was being filled: open it again."
        )
    answers, errors = clean_answers(definition.fields, data)
    signer_name = signer_name.strip()
    errors.update(
        _signer_errors(
            definition=definition,
            signer_name=signer_name,
            signer_relationship=signer_relationship,
        )
    )
    signature: bytes | None = None
    if definition.is_consent or signature_png:
        try:
            signature = validate_signature_png(signature_png)
        except SignatureRefusedError as exc:
            errors["signature"] = [str(exc)]
    if errors:
        raise InvalidFormError(errors)
    now = timezone.now()
    signed_at = min(signed_at or now, now)
    digest = answers_digest(answers)
    submission = FormSubmission(
        clinic=actor.clinic,
        patient=patient,
        definition=definition,
        form_key=definition.key,
        form_version=definition.version,
        kind=definition.kind,
        title=definition.title,
        answers=answers,
        answers_sha256=digest,
        signature_png=signature,
        signer_name=signer_name if definition.is_consent else "",
        signer_relationship=(signer_relationship if definition.is_consent else ""),
        signed_at=signed_at,
        handed_by=actor.membership,
    )
    pdf = submission_pdf(
        submission=submission,
        definition=definition,
        tz=clinic_timezone(actor.clinic),
    )
    submission.pdf = pdf
    submission.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        submission.save(force_insert=True)
        record_change(
            actor=actor,
            action="create",
            obj=submission,
            patient_id=patient.pk,
            detail=f"{definition.key} v{definition.version}",
        )
    return submission


def mark_superseded(
    *, actor: Actor, submission: FormSubmission, reason: str
) -> SubmissionSupersession:
    """Mark a submission superseded by the patient's latest later submission
    of the same form (fill the corrected form first)."""
    _require(actor, CHART_EDIT)
    if submission.clinic_id != actor.clinic.pk:
        raise FormPermissionError("The submission is not in this clinic.")
    reason = reason.strip()
    if not reason:
        raise InvalidFormError({"reason": ["Reason: say why it is superseded."]})
    if len(reason) > REASON_MAX:
        raise InvalidFormError(
            {"reason": [f"Reason: keep it under {REASON_MAX} characters."]}
        )
    newer = (
        FormSubmission.objects.filter(
            clinic=actor.clinic,
            patient_id=submission.patient_id,
            form_key=submission.form_key,
            signed_at__gt=submission.signed_at,
        )
        .order_by("-signed_at")
        .first()
    )
    if newer is None:
        raise InvalidFormError(
            {
                "__all__": [
                    "Form: fill the corrected form with the patient first; the "
                    "new submission then supersedes this one."
                ]
            }
        )
    if SubmissionSupersession.objects.filter(submission=submission).exists():
        raise SubmissionLockedError("This submission is already superseded.")
    try:
        with transaction.atomic():
            mark = SubmissionSupersession.objects.create(
                clinic=actor.clinic,
                submission=submission,
                superseded_by=newer,
                reason=reason,
                marked_by=actor.membership,
            )
            record_change(
                actor=actor,
                action="superseded",
                obj=submission,
                patient_id=submission.patient_id,
                detail=f"by {newer.pk}",
            )
    except IntegrityError as exc:
        raise SubmissionLockedError("This submission is already superseded.") from exc
    return mark


# --- Proposed chart entries --------------------------------------------------------


def proposals_of(submission: FormSubmission) -> list[Proposal]:
    return proposals_for(submission.definition.fields, submission.answers)


def _date_or_none(text: str, label: str, name: str) -> datetime.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidFormError(
            {name: [f"{label}: enter a date as YYYY-MM-DD."]}
        ) from exc


def _add_to_chart(
    *,
    actor: Actor,
    patient: Patient,
    proposal: Proposal,
    values: Mapping[str, str],
) -> object:
    """Call the charting service for the proposal's list with the clinician's
    reviewed values; returns the chart entry it created."""

    def value(name: str) -> str:
        return str(values.get(name, "")).strip()

    if proposal.target == "allergy":
        severity = value("severity")
        if severity not in Allergy.Severity.values:
            raise InvalidFormError(
                {"severity": ["Severity: choose the severity of the reaction."]}
            )
        if not value("substance"):
            raise InvalidFormError({"substance": ["Substance: name the allergen."]})
        return services_chart.add_allergy(
            actor=actor,
            patient=patient,
            substance=value("substance"),
            severity=severity,
            reaction=value("reaction"),
        )
    if proposal.target == "medication":
        if not value("name"):
            raise InvalidFormError({"name": ["Medication: name the medication."]})
        return services_chart.add_medication(
            actor=actor,
            patient=patient,
            name=value("name"),
            dose=value("dose"),
            frequency=value("frequency"),
        )
    if proposal.target == "problem":
        return services_chart.add_problem(
            actor=actor,
            patient=patient,
            code=value("code"),
            onset_on=_date_or_none(value("onset_on"), "Onset", "onset_on"),
            note=value("note"),
        )
    if not value("text"):
        raise InvalidFormError({"text": ["Text: write the history entry."]})
    return services_chart.add_history_entry(
        actor=actor,
        patient=patient,
        kind=proposal.history_kind,
        text=value("text"),
        occurred_on=_date_or_none(value("occurred_on"), "Date", "occurred_on"),
    )


def decide_proposal(
    *,
    actor: Actor,
    submission: FormSubmission,
    proposal_key: str,
    accept: bool,
    values: Mapping[str, str] | None = None,
) -> MappingDecision:
    """Accept (adding the entry to the chart through the charting services,
    with the clinician's reviewed `values`) or dismiss one proposed entry.
    Each proposal is decided once; the decision is its own row."""
    _require(actor, CHART_EDIT)
    if submission.clinic_id != actor.clinic.pk:
        raise FormPermissionError("The submission is not in this clinic.")
    proposal = next(
        (p for p in proposals_of(submission) if p.key == proposal_key), None
    )
    if proposal is None:
        raise InvalidFormError(
            {"__all__": ["Proposed entry: this form proposes no such entry."]}
        )
    try:
        with transaction.atomic():
            if MappingDecision.objects.filter(
                submission=submission, proposal_key=proposal_key
            ).exists():
                raise SubmissionLockedError("This entry has already been decided.")
            entry_id = None
            if accept:
                entry = _add_to_chart(
                    actor=actor,
                    patient=submission.patient,
                    proposal=proposal,
                    values=values or {},
                )
                entry_id = getattr(entry, "pk", None)
            decision = MappingDecision.objects.create(
                clinic=actor.clinic,
                submission=submission,
                proposal_key=proposal_key,
                target=proposal.target,
                decision=(
                    MappingDecision.Decision.ACCEPTED
                    if accept
                    else MappingDecision.Decision.DISMISSED
                ),
                chart_entry_id=entry_id,
                decided_by=actor.membership,
            )
            record_change(
                actor=actor,
                action="accept" if accept else "dismiss",
                obj=decision,
                patient_id=submission.patient_id,
                detail=f"{proposal.target} from {submission.form_key}",
            )
    except ChartEntryInvalidError as exc:
        raise InvalidFormError(exc.errors) from exc
    except IntegrityError as exc:
        raise SubmissionLockedError("This entry has already been decided.") from exc
    return decision
