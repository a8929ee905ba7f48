"""A deterministic synthetic clinic for the demo and the benchmark.

`generate_clinic(spec)` writes a whole clinic: locations, staff, providers and
their hours, appointment types, patients with their search keys, months or years
of appointments, signed notes, invoices, payments and ledger entries.

Why it writes rows directly instead of calling each app's services: services
write one row at a time with an audit entry each, which would take minutes for
the demo and hours for a benchmark clinic. The generator therefore inserts in
bulk (batches of `BATCH_SIZE`), and it inserts each row in the final state the
services would leave it in: signed notes and ledger entries are immutable
(database triggers refuse UPDATE), so nothing is inserted first and fixed later.
Clinic, roles and memberships still go through the tenancy services.

The same seed gives the same clinic (names, ids, appointments, amounts) relative
to `spec.now`, which defaults to the current time so that the demo always has
a schedule for today.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.audit.services import record_change
from practica.demo.history import insert_billing
from practica.demo.notes import note_content
from practica.demo.people import (
    FEMALE_NAMES,
    MALE_NAMES,
    SURNAMES,
    Person,
    ascii_slug,
    make_person,
)
from practica.demo.rows import insert_rows
from practica.demo.timestamps import explicit_timestamps
from practica.demo.visits import Planner, Shift, Visit, VisitKind, random_uuid
from practica.patients.models import Patient, PatientSearchKey
from practica.patients.search import name_keys
from practica.patients.services import apply_name_keys
from practica.scheduling.models import (
    Appointment,
    AppointmentType,
    CalendarFeed,
    Modality,
    Provider,
    WorkingHours,
)
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import ADMIN, BILLING, FRONT_DESK, OWNER, PROVIDER
from practica.tenancy.services import add_member, create_clinic

DEMO_PASSWORD = "practica-demo-2026"
BATCH_SIZE = 2000
TIMEZONE = "America/Toronto"


@dataclass(frozen=True)
class ClinicSpec:
    name: str
    slug: str
    email_domain: str
    patients: int = 500
    providers: int = 5
    days_back: int = 90
    days_ahead: int = 28
    seed: int = 2026
    password: str = DEMO_PASSWORD
    now: datetime.datetime | None = None


@dataclass(frozen=True)
class StaffLogin:
    role: str
    email: str
    name: str


@dataclass(frozen=True)
class GeneratedClinic:
    clinic: Clinic
    logins: tuple[StaffLogin, ...]
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _LocationSeed:
    name: str
    street: str
    city: str
    postal_code: str
    phone: str


@dataclass(frozen=True)
class _StaffSeed:
    local_part: str
    full_name: str
    role: str
    title: str


@dataclass(frozen=True)
class _ProviderSeed:
    first: str
    last: str
    credentials: str
    modality: str
    colour: str


@dataclass(frozen=True)
class _TypeSeed:
    name: str
    modality: str
    minutes: int
    price: str
    code: str
    is_taxable: bool = False
    is_initial: bool = False
    weight: int = 100


LOCATIONS = (
    _LocationSeed(
        "Downtown Toronto", "215 Spadina Ave, Suite 300", "Toronto", "M5T 2C7",
        "+14165550100",
    ),
    _LocationSeed(
        "Mississauga", "4120 Hurontario St, Unit 12", "Mississauga", "L5B 3C4",
        "+19055550100",
    ),
)  # fmt: skip
STAFF = (
    _StaffSeed("owner", "Sandra Marchetti", OWNER, "Clinic owner"),
    _StaffSeed("admin", "Kevin Osei", ADMIN, "Practice manager"),
    _StaffSeed("front", "Julie Gagnon", FRONT_DESK, "Front desk"),
    _StaffSeed("billing", "Ravi Menon", BILLING, "Billing clerk"),
)
PROVIDERS = (
    _ProviderSeed("Emily", "Chen", "PT", Modality.PHYSIOTHERAPY, "#1f6f8b"),
    _ProviderSeed("Marc-André", "Tremblay", "PT", Modality.PHYSIOTHERAPY, "#2e7d32"),
    _ProviderSeed("Priya", "Raghunathan", "RMT", Modality.MASSAGE, "#7b1fa2"),
    _ProviderSeed("Grace", "Okafor", "RN", Modality.FOOT_CARE, "#c62828"),
    _ProviderSeed("Daniel", "Kowalski", "RP", Modality.COUNSELLING, "#ef6c00"),
)
# Benchmark clinics with more providers cycle through these.
EXTRA_MODALITIES = (
    (Modality.PHYSIOTHERAPY, "PT"),
    (Modality.MASSAGE, "RMT"),
    (Modality.OCCUPATIONAL, "OT Reg. (Ont.)"),
    (Modality.PHYSIOTHERAPY, "PT"),
    (Modality.FOOT_CARE, "RPN"),
    (Modality.COUNSELLING, "RSW"),
)
EXTRA_COLOURS = ("#00838f", "#5d4037", "#ad1457", "#283593", "#558b2f", "#6a1b9a")
# Ontario private-pay fees. Physiotherapy, occupational therapy, nursing and
# psychotherapy are HST-exempt health services; massage therapy is not on the
# Excise Tax Act's exempt list, so a clinic (not a small supplier) charges HST
# on it, as on orthotic fittings.
TYPES = (
    _TypeSeed("Physiotherapy initial assessment", Modality.PHYSIOTHERAPY, 60,
              "120.00", "PT-IA", is_initial=True),
    _TypeSeed("Physiotherapy follow-up", Modality.PHYSIOTHERAPY, 30, "90.00",
              "PT-FU", weight=95),
    _TypeSeed("Custom orthotic fitting", Modality.PHYSIOTHERAPY, 30, "85.00",
              "ORTH", is_taxable=True, weight=5),
    _TypeSeed("Massage therapy 60 min", Modality.MASSAGE, 60, "110.00", "RMT-60",
              is_taxable=True, weight=70),
    _TypeSeed("Massage therapy 90 min", Modality.MASSAGE, 90, "150.00", "RMT-90",
              is_taxable=True, weight=30),
    _TypeSeed("Foot care nursing visit", Modality.FOOT_CARE, 45, "75.00", "FCN-45"),
    _TypeSeed("Counselling session", Modality.COUNSELLING, 50, "160.00", "CNS-50"),
    _TypeSeed("Occupational therapy assessment", Modality.OCCUPATIONAL, 60,
              "150.00", "OT-IA", is_initial=True),
    _TypeSeed("Occupational therapy session", Modality.OCCUPATIONAL, 45, "120.00",
              "OT-45"),
)  # fmt: skip


def _shift(weekday: int, location: int, start: int, end: int) -> Shift:
    return Shift(weekday, location, datetime.time(start), datetime.time(end))


def _day(weekday: int, location: int, start: int, end: int) -> tuple[Shift, ...]:
    """A working day; one of seven hours or more has an hour's break in the
    middle (lunch, or supper for an evening day)."""
    if end - start < 7:
        return (_shift(weekday, location, start, end),)
    pause = start + (end - start) // 2
    return (
        _shift(weekday, location, start, pause),
        _shift(weekday, location, pause + 1, end),
    )


def _week(*days: tuple[Shift, ...]) -> tuple[Shift, ...]:
    return tuple(shift for day in days for shift in day)


# Weekly patterns split across both locations; some work Saturday mornings.
SHIFT_PATTERNS: tuple[tuple[Shift, ...], ...] = (
    _week(_day(0, 0, 8, 16), _day(1, 1, 10, 18), _day(2, 0, 8, 16),
          _day(3, 1, 10, 18), _day(4, 0, 8, 16), _day(5, 0, 9, 13)),
    _week(_day(0, 1, 10, 18), _day(1, 0, 8, 16), _day(2, 1, 10, 18),
          _day(3, 0, 8, 16), _day(4, 1, 9, 15)),
    _week(_day(0, 0, 10, 18), _day(1, 0, 10, 18), _day(3, 1, 8, 16),
          _day(4, 1, 8, 16), _day(5, 1, 9, 14)),
    _week(_day(1, 0, 8, 16), _day(2, 1, 8, 16), _day(3, 0, 8, 16),
          _day(4, 0, 8, 14)),
    # Counselling into the evening, so a demo opened after work still shows
    # the rest of today's schedule.
    _week(_day(0, 1, 12, 20), _day(1, 0, 10, 18), _day(2, 0, 12, 20),
          _day(3, 1, 10, 18), _day(4, 0, 12, 20)),
)  # fmt: skip


def generate_clinic(spec: ClinicSpec) -> GeneratedClinic:
    """Write the clinic described by `spec` in one transaction."""
    rng = random.Random(spec.seed)
    # Ids come from their own stream, salted with the slug: two clinics from one
    # seed share names but never primary keys.
    id_rng = random.Random(f"{spec.slug}/{spec.seed}")
    now = spec.now or timezone.now()
    tz = zoneinfo.ZoneInfo(TIMEZONE)
    today = now.astimezone(tz).date()
    with transaction.atomic():
        clinic = create_clinic(name=spec.name, slug=spec.slug, currency="CAD")
        locations = _create_locations(clinic)
        # Hashed once: PBKDF2 is deliberately slow (seconds on a busy machine)
        # and every demo log-in shares the one demo password anyway.
        hashed = make_password(spec.password)
        users = _create_staff(clinic, spec, hashed)
        provider_seeds = _provider_seeds(spec.providers, rng)
        providers = _create_providers(clinic, spec, provider_seeds, hashed)
        shifts = [
            SHIFT_PATTERNS[i % len(SHIFT_PATTERNS)] for i in range(len(providers))
        ]
        _create_hours(clinic, providers, locations, shifts)
        # Each provider's private calendar feed, so the feed page shows one.
        # Tokens are secrets: random, never derived from the seed.
        CalendarFeed.objects.bulk_create(
            [CalendarFeed(clinic=clinic, provider=p) for p in providers]
        )
        types = _create_types(clinic)
        people = [
            make_person(rng, today=today, number=n + 1) for n in range(spec.patients)
        ]
        planner = Planner(
            rng=rng,
            id_rng=id_rng,
            tz=tz,
            now=now,
            patients=spec.patients,
            shifts=shifts,
            modalities=[p.modality for p in providers],
            kinds=[
                VisitKind(
                    i, t.modality, t.duration_minutes, seed.is_initial, seed.weight
                )
                for i, (t, seed) in enumerate(zip(types, TYPES, strict=True))
            ],
        )
        visits = planner.plan(days_back=spec.days_back, days_ahead=spec.days_ahead)
        visits.sort(key=lambda v: (v.start_at, v.provider))
        counts: dict[str, int] = {"providers": len(providers)}
        with explicit_timestamps(Patient, Appointment):
            patients = _insert_patients(clinic, people, visits, rng, id_rng, now)
            counts["patients"] = len(patients)
            counts["search_keys"] = _insert_search_keys(patients)
            counts["appointments"] = _insert_appointments(
                clinic, visits, patients, providers, locations, types
            )
        counts.update(
            insert_billing(
                clinic=clinic,
                visits=visits,
                patients=patients,
                providers=providers,
                locations=locations,
                types=types,
                desk_user=users[FRONT_DESK],
                rng=rng,
                id_rng=id_rng,
                now=now,
                batch_size=BATCH_SIZE,
                note_content=note_content,
            )
        )
        record_change(
            actor=Actor.system(clinic, frozenset()),
            action="create",
            obj=clinic,
            patient_id=None,
            detail="synthetic clinic generated",
        )
    return GeneratedClinic(clinic=clinic, logins=clinic_logins(clinic), counts=counts)


def clinic_logins(clinic: Clinic) -> tuple[StaffLogin, ...]:
    """Every member's log-in, staff first, then providers, in creation order."""
    memberships = (
        Membership.objects.for_clinic(clinic)
        .select_related("user", "provider")
        .order_by("pk")
    )
    logins = []
    for membership in memberships:
        is_provider = hasattr(membership, "provider")
        role = f"Provider, {membership.title}" if is_provider else membership.title
        logins.append(
            StaffLogin(role, membership.user.email, membership.user.full_name)
        )
    return tuple(logins)


def _create_locations(clinic: Clinic) -> list[Location]:
    return [
        Location.objects.create(
            clinic=clinic,
            name=seed.name,
            street=seed.street,
            city=seed.city,
            region="ON",
            postal_code=seed.postal_code,
            country="CA",
            phone=seed.phone,
            timezone=TIMEZONE,
            currency="CAD",
            tax_region="CA-ON",
        )
        for seed in LOCATIONS
    ]


def _new_users(seeds: Sequence[tuple[str, str]], hashed: str) -> list[User]:
    """Users (email, full name) sharing one hashed password."""
    return User.objects.bulk_create(
        User(email=email, full_name=name, password=hashed) for email, name in seeds
    )


def _create_staff(clinic: Clinic, spec: ClinicSpec, hashed: str) -> dict[str, User]:
    """The staff who are not providers, by role key."""
    seeds = [(f"{s.local_part}@{spec.email_domain}", s.full_name) for s in STAFF]
    users = _new_users(seeds, hashed)
    for seed, user in zip(STAFF, users, strict=True):
        add_member(clinic=clinic, user=user, role_keys=[seed.role], title=seed.title)
    return {seed.role: user for seed, user in zip(STAFF, users, strict=True)}


def _provider_seeds(count: int, rng: random.Random) -> list[_ProviderSeed]:
    seeds = list(PROVIDERS[:count])
    for i in range(len(seeds), count):
        modality, credentials = EXTRA_MODALITIES[i % len(EXTRA_MODALITIES)]
        first = rng.choice(rng.choice((FEMALE_NAMES, MALE_NAMES)))
        colour = EXTRA_COLOURS[i % len(EXTRA_COLOURS)]
        seeds.append(
            _ProviderSeed(first, rng.choice(SURNAMES), credentials, modality, colour)
        )
    return seeds


def _create_providers(
    clinic: Clinic, spec: ClinicSpec, seeds: Sequence[_ProviderSeed], hashed: str
) -> list[Provider]:
    emails: list[str] = []
    for seed in seeds:
        email = f"{ascii_slug(seed.first)}.{ascii_slug(seed.last)}@{spec.email_domain}"
        if email in emails:
            email = email.replace("@", f"{len(emails) + 1}@")
        emails.append(email)
    users = _new_users(
        [(e, f"{s.first} {s.last}") for e, s in zip(emails, seeds, strict=True)],
        hashed,
    )
    providers = []
    for seed, user in zip(seeds, users, strict=True):
        label = Modality(seed.modality).label
        membership = add_member(
            clinic=clinic, user=user, role_keys=[PROVIDER], title=label
        )
        providers.append(
            Provider(
                clinic=clinic,
                membership=membership,
                display_name=f"{seed.first} {seed.last}, {seed.credentials}",
                credentials=seed.credentials,
                modality=seed.modality,
                colour=seed.colour,
            )
        )
    return Provider.objects.bulk_create(providers)


def _create_hours(
    clinic: Clinic,
    providers: Sequence[Provider],
    locations: Sequence[Location],
    shifts: Sequence[Sequence[Shift]],
) -> None:
    WorkingHours.objects.bulk_create(
        WorkingHours(
            clinic=clinic,
            provider=provider,
            location=locations[shift.location],
            weekday=shift.weekday,
            start_time=shift.start,
            end_time=shift.end,
        )
        for provider, provider_shifts in zip(providers, shifts, strict=True)
        for shift in provider_shifts
    )


def _create_types(clinic: Clinic) -> list[AppointmentType]:
    return AppointmentType.objects.bulk_create(
        AppointmentType(
            clinic=clinic,
            name=seed.name,
            modality=seed.modality,
            duration_minutes=seed.minutes,
            price=Decimal(seed.price),
            service_code=seed.code,
            is_taxable=seed.is_taxable,
        )
        for seed in TYPES
    )


def _insert_patients(
    clinic: Clinic,
    people: Sequence[Person],
    visits: Sequence[Visit],
    rng: random.Random,
    id_rng: random.Random,
    now: datetime.datetime,
) -> list[Patient]:
    """Patients registered shortly before their first booking (or, for those
    never booked, some time in the clinic's history)."""
    first_booked: dict[int, datetime.datetime] = {}
    for visit in visits:
        known = first_booked.get(visit.patient)
        if known is None or visit.booked_at < known:
            first_booked[visit.patient] = visit.booked_at
    earliest = min(first_booked.values(), default=now)
    span = max((now - earliest).total_seconds(), 3600.0)
    patients = []
    for index, person in enumerate(people):
        booked = first_booked.get(index)
        if booked is not None:
            created = booked - datetime.timedelta(minutes=rng.randint(1, 30))
        else:
            created = earliest + datetime.timedelta(seconds=rng.uniform(0, span))
        patient = Patient(
            id=random_uuid(id_rng),
            clinic=clinic,
            region="ON",
            created_at=created,
            updated_at=created,
            **asdict(person),
        )
        apply_name_keys(patient)
        patients.append(patient)
    Patient.objects.bulk_create(patients, batch_size=BATCH_SIZE)
    return patients


def _insert_search_keys(patients: Sequence[Patient]) -> int:
    # The keys `patients.services.search_keys_for` gives, as plain rows: the
    # benchmark has ~14 per patient and model instances would dominate the time.
    return insert_rows(
        PatientSearchKey,
        ("clinic_id", "patient", "key"),
        (
            (p.clinic_id, p.pk, key)
            for p in patients
            for key in sorted(name_keys(p.first_name, p.last_name, p.preferred_name))
        ),
    )


def _insert_appointments(
    clinic: Clinic,
    visits: Sequence[Visit],
    patients: Sequence[Patient],
    providers: Sequence[Provider],
    locations: Sequence[Location],
    types: Sequence[AppointmentType],
) -> int:
    rows = (
        Appointment(
            id=v.id,
            clinic_id=clinic.pk,
            location_id=locations[v.location].pk,
            provider_id=providers[v.provider].pk,
            patient_id=patients[v.patient].pk,
            appointment_type_id=types[v.kind].pk,
            start_at=v.start_at,
            end_at=v.end_at,
            busy_from=v.start_at,
            busy_until=v.end_at,
            status=v.status,
            status_changed_at=v.changed_at,
            front_desk_note=v.desk_note,
            cancel_reason=v.cancel_reason,
            created_at=v.booked_at,
            updated_at=v.changed_at or v.booked_at,
        )
        for v in visits
    )
    Appointment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(visits)
