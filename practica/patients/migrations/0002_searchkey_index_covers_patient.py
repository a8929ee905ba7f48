"""Index search keys on (clinic_id, key, patient_id) instead of (clinic_id, key).

Patient search reads the ids of the patients holding one of a token's keys;
with the id in the index, PostgreSQL answers from the index alone instead of
visiting one table row per key found (thousands for a common first name).

The table has about fourteen rows per patient, so on PostgreSQL the index is
built CONCURRENTLY, keeping registrations and edits writable meanwhile; that
cannot run in a transaction, hence `atomic = False`.
"""

from django.db import migrations, models

from practica.core.db_ops import VendorSQL

TABLE = "patients_patientsearchkey"
NEW = "patient_searchkey_cover_idx"
OLD = "patient_searchkey_idx"


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("patients", "0001_initial")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="patientsearchkey", name=OLD),
                migrations.AddIndex(
                    model_name="patientsearchkey",
                    index=models.Index(
                        fields=["clinic_id", "key", "patient"], name=NEW
                    ),
                ),
            ],
            database_operations=[
                VendorSQL(
                    postgresql=[
                        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{NEW}" '
                        f'ON "{TABLE}" ("clinic_id", "key", "patient_id");',
                        f'DROP INDEX CONCURRENTLY IF EXISTS "{OLD}";',
                    ],
                    postgresql_reverse=[
                        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{OLD}" '
                        f'ON "{TABLE}" ("clinic_id", "key");',
                        f'DROP INDEX CONCURRENTLY IF EXISTS "{NEW}";',
                    ],
                    sqlite=[
                        f'CREATE INDEX "{NEW}" '
                        f'ON "{TABLE}" ("clinic_id", "key", "patient_id");',
                        f'DROP INDEX "{OLD}";',
                    ],
                    sqlite_reverse=[
                        f'CREATE INDEX "{OLD}" ON "{TABLE}" ("clinic_id", "key");',
                        f'DROP INDEX "{NEW}";',
                    ],
                )
            ],
        )
    ]
