"""Front desk roles still holding the old default (billing pages) get the new
one: a patient's balance only. A role an owner changed is left as it is."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_DESK = [
    "patients.view",
    "patients.edit",
    "schedule.view",
    "schedule.edit",
    "forms.fill",
]
OLD = sorted([*_DESK, "billing.view", "billing.edit"])
NEW = [*_DESK, "billing.balance"]
MONEY_ROLES = ("owner", "admin", "billing")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Role = apps.get_model("tenancy", "Role")
    for role in Role.objects.filter(key="front_desk").iterator():
        if sorted(role.permissions) == OLD:
            role.permissions = NEW
            role.save(update_fields=["permissions"])
    # Roles that see billing pages see balances too.
    for role in Role.objects.filter(key__in=MONEY_ROLES).iterator():
        if "billing.view" in role.permissions and "billing.balance" not in role.permissions:
            role.permissions = [*role.permissions, "billing.balance"]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_all_tax_regions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
