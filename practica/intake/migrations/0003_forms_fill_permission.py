"""Give the forms.fill permission to the roles that hold it by default
(owner, admin, provider, front desk) in clinics created before it existed."""

from django.db import migrations

PERMISSION = "forms.fill"
ROLES = ("owner", "admin", "provider", "front_desk")


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    Role = apps.get_model("tenancy", "Role")
    for role in Role.objects.filter(key__in=ROLES).iterator(chunk_size=500):
        if PERMISSION not in role.permissions:
            role.permissions = [*role.permissions, PERMISSION]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):  # type: ignore[no-untyped-def]
    Role = apps.get_model("tenancy", "Role")
    for role in Role.objects.filter(key__in=ROLES).iterator(chunk_size=500):
        if PERMISSION in role.permissions:
            role.permissions = [p for p in role.permissions if p != PERMISSION]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_submissions_immutable"),
        ("tenancy", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
