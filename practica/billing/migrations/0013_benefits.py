"""Packages, memberships, benefit uses and gift cards.

Gift card entries are append-only (a trigger refuses UPDATE, and DELETE on
PostgreSQL), like the ledger: a card's balance is their sum.
"""

import django.db.models.deletion
import uuid
from django.db import migrations, models

from practica.core.db_ops import VendorSQL, immutable_rows_sql


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0012_reminder_emails"),
        ("patients", "0002_searchkey_index_covers_patient"),
        ("scheduling", "0007_index_busy_spans_by_clinic"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="GiftCard",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("code_hash", models.CharField(max_length=64)),
                ("code_last4", models.CharField(max_length=4)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                ("currency", models.CharField(default="CAD", max_length=3)),
                ("expires_on", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "Active"), ("cancelled", "Cancelled")],
                        default="active",
                        max_length=10,
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "purchaser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
                (
                    "sale_line",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.invoiceline",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="GiftCardEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("load", "Loaded"),
                            ("redemption", "Redeemed"),
                            ("refund", "Refunded back"),
                            ("cancel", "Cancelled"),
                        ],
                        max_length=10,
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                ("posted_at", models.DateTimeField()),
                (
                    "card",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="billing.giftcard",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "payment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.payment",
                    ),
                ),
                (
                    "refund",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.refund",
                    ),
                ),
            ],
            options={
                "ordering": ["posted_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="MembershipPlan",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("monthly_fee", models.DecimalField(decimal_places=2, max_digits=10)),
                (
                    "discount_percent",
                    models.DecimalField(decimal_places=2, default=0, max_digits=5),
                ),
                ("visits_per_month", models.PositiveSmallIntegerField(default=0)),
                ("is_active", models.BooleanField(default=True)),
                (
                    "appointment_types",
                    models.ManyToManyField(
                        related_name="+", to="scheduling.appointmenttype"
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "item",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="membership_plan",
                        to="billing.catalogitem",
                    ),
                ),
            ],
            options={
                "ordering": ["item__name"],
            },
        ),
        migrations.CreateModel(
            name="PackagePlan",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("visits", models.PositiveSmallIntegerField()),
                ("validity_days", models.PositiveSmallIntegerField()),
                ("is_active", models.BooleanField(default=True)),
                (
                    "appointment_types",
                    models.ManyToManyField(
                        related_name="+", to="scheduling.appointmenttype"
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "item",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="package_plan",
                        to="billing.catalogitem",
                    ),
                ),
            ],
            options={
                "ordering": ["item__name"],
            },
        ),
        migrations.CreateModel(
            name="PatientMembership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("starts_on", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "Active"), ("cancelled", "Cancelled")],
                        default="active",
                        max_length=10,
                    ),
                ),
                ("ends_on", models.DateField(blank=True, null=True)),
                ("cancel_reason", models.CharField(blank=True, max_length=200)),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "location",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.location",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="billing.membershipplan",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="MembershipPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("starts_on", models.DateField()),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "invoice",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.invoice",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="periods",
                        to="billing.patientmembership",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_on"],
            },
        ),
        migrations.CreateModel(
            name="PatientPackage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("visits", models.PositiveSmallIntegerField()),
                ("purchased_on", models.DateField()),
                ("expires_on", models.DateField()),
                ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="packages",
                        to="billing.packageplan",
                    ),
                ),
                (
                    "sale_line",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.invoiceline",
                    ),
                ),
            ],
            options={
                "ordering": ["expires_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="BenefitUse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("package_visit", "Package visit"),
                            ("membership_visit", "Included membership visit"),
                            ("membership_discount", "Membership discount"),
                        ],
                        max_length=20,
                    ),
                ),
                ("period_starts_on", models.DateField(blank=True, null=True)),
                ("discount", models.DecimalField(decimal_places=2, max_digits=10)),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                (
                    "appointment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="scheduling.appointment",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.clinic",
                    ),
                ),
                (
                    "invoice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="billing.invoice",
                    ),
                ),
                (
                    "line",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="benefit_use",
                        to="billing.invoiceline",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="uses",
                        to="billing.patientmembership",
                    ),
                ),
                (
                    "package",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="uses",
                        to="billing.patientpackage",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="giftcard",
            constraint=models.UniqueConstraint(
                fields=("clinic", "code_hash"), name="gift_card_code_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="giftcard",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="gift_card_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="giftcardentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("amount__gt", 0), ("kind", "load")),
                    models.Q(
                        ("amount__lt", 0),
                        ("kind", "redemption"),
                        ("payment__isnull", False),
                    ),
                    models.Q(
                        ("amount__gt", 0), ("kind", "refund"), ("refund__isnull", False)
                    ),
                    models.Q(("amount__lt", 0), ("kind", "cancel")),
                    _connector="OR",
                ),
                name="gift_card_entry_sign_by_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="membershipplan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("monthly_fee__gte", 0),
                    ("discount_percent__gte", 0),
                    ("discount_percent__lte", 100),
                ),
                name="membership_plan_amounts_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="packageplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("visits__gt", 0), ("validity_days__gt", 0)),
                name="package_plan_visits_and_days_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="patientmembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("patient", "plan"),
                name="membership_one_active_per_plan",
            ),
        ),
        migrations.AddConstraint(
            model_name="membershipperiod",
            constraint=models.UniqueConstraint(
                fields=("membership", "starts_on"), name="membership_period_once"
            ),
        ),
        migrations.AddIndex(
            model_name="patientpackage",
            index=models.Index(
                fields=["clinic", "patient"], name="package_patient_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="benefituse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("released_at__isnull", True)),
                fields=("appointment",),
                name="benefit_one_live_use_per_appointment",
            ),
        ),
        migrations.AddConstraint(
            model_name="benefituse",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("membership__isnull", True), ("package__isnull", False)),
                    models.Q(("membership__isnull", False), ("package__isnull", True)),
                    _connector="OR",
                ),
                name="benefit_use_one_source",
            ),
        ),
        VendorSQL(**immutable_rows_sql("billing_giftcardentry")),
    ]
