"""The busy span becomes required, and PostgreSQL refuses overlaps over it.

A provider, and a room, holds at most one active appointment at any instant of
its busy span (visit time widened by the type's buffers). Late-cancelled joins
the statuses that release the time. SQLite has no exclusion constraints; there
the booking services check inside a write-locked transaction.
"""

from django.db import migrations, models

from practica.core.db_ops import VendorSQL

RELEASED = "('cancelled', 'late_cancelled', 'no_show')"


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0005_backfill_busy_span")]
    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="busy_from",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="busy_until",
            field=models.DateTimeField(),
        ),
        VendorSQL(
            postgresql=[
                "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS "
                "appointment_provider_no_overlap;",
                "ALTER TABLE scheduling_appointment ADD CONSTRAINT "
                "appointment_provider_no_overlap EXCLUDE USING gist "
                "(provider_id WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&) "
                f"WHERE (status NOT IN {RELEASED});",
                "ALTER TABLE scheduling_appointment ADD CONSTRAINT "
                "appointment_room_no_overlap EXCLUDE USING gist "
                "(room_id WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&) "
                f"WHERE (room_id IS NOT NULL AND status NOT IN {RELEASED});",
            ],
            postgresql_reverse=[
                "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS "
                "appointment_room_no_overlap;",
                "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS "
                "appointment_provider_no_overlap;",
                "ALTER TABLE scheduling_appointment ADD CONSTRAINT "
                "appointment_provider_no_overlap EXCLUDE USING gist "
                "(provider_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
                "WHERE (status NOT IN ('cancelled', 'no_show'));",
            ],
        ),
    ]
