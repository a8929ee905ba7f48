"""A clinic's own procedure code lists (CPT, HCPCS, provincial fee codes)."""

from __future__ import annotations

from django.db import models

from practica.tenancy.models import TenantModel


class ProcedureCode(TenantModel):
    """A billable service code from a list the clinic loaded itself.

    Practica ships no procedure codes: CPT is the AMA's and licensed, HCPCS and
    provincial fee codes belong to each clinic's fee schedule. A code is never
    deleted (invoices and claims may name it); a reload that leaves it out
    marks it inactive. The format of `code` per system is checked when a file
    is loaded (`billing.code_files`).
    """

    class System(models.TextChoices):
        CPT = "cpt", "CPT"
        HCPCS = "hcpcs", "HCPCS Level II"
        LOCAL = "local", "Provincial or local fee code"

    system = models.CharField(max_length=8, choices=System.choices)
    code = models.CharField(max_length=20)
    short_description = models.CharField(max_length=200)
    long_description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "system", "code"], name="procedure_code_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="procedure_code_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(short_description=""),
                name="procedure_code_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.short_description}"

    @property
    def label(self) -> str:
        return f"{self.code} {self.short_description}"


class ProcedureCodeLoad(TenantModel):
    """One load of a code file: what it did, by whom. Row contents are not
    kept here; the codes themselves carry the file name and time."""

    system = models.CharField(max_length=8, choices=ProcedureCode.System.choices)
    file_name = models.CharField(max_length=255, blank=True)
    is_replace = models.BooleanField(default=False)
    rows = models.PositiveIntegerField()
    added = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    deactivated = models.PositiveIntegerField()
    loaded_by = models.ForeignKey(
        "tenancy.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "created_at"], name="code_load_clinic_idx")
        ]

    def __str__(self) -> str:
        return f"{self.system} load {self.created_at:%Y-%m-%d}"
