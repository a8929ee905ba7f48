"""Appointments booked before buffers existed hold exactly their own time."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    appointment = apps.get_model("scheduling", "Appointment")
    appointment.objects.filter(busy_from__isnull=True).update(
        busy_from=F("start_at"), busy_until=F("end_at")
    )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_rooms_availability_series_waitlist_groups")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
