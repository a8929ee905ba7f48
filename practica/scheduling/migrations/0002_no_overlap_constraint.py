"""PostgreSQL refuses two active appointments of one provider that overlap.

SQLite has no exclusion constraints; there the booking service checks inside a
write-locked transaction (see scheduling.services)."""

from django.db import migrations

from practica.core.db_ops import VendorSQL


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [
        VendorSQL(
            postgresql=[
                "CREATE EXTENSION IF NOT EXISTS btree_gist;",
                "ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_provider_no_overlap "
                "EXCLUDE USING gist (provider_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
                "WHERE (status NOT IN ('cancelled', 'no_show'));",
            ],
            postgresql_reverse=[
                "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS appointment_provider_no_overlap;"
            ],
        )
    ]
