from django.db import migrations

from practica.core.db_ops import VendorSQL, immutable_rows_sql

# A version of a form never changes once saved (submissions point at it);
# only whether the form is in use (is_active) may.
_FROZEN = ("key", "version", "kind", "title", "description", "fields", "legal_text")
_SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _FROZEN)
_PG_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _FROZEN)
_MESSAGE = "intake_formdefinition versions are immutable"


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_forms_and_submissions")]
    operations = [
        VendorSQL(**immutable_rows_sql("intake_formsubmission")),
        VendorSQL(**immutable_rows_sql("intake_submissionsupersession")),
        VendorSQL(**immutable_rows_sql("intake_mappingdecision")),
        VendorSQL(
            sqlite=[
                "CREATE TRIGGER intake_formdefinition_frozen BEFORE UPDATE ON "
                f"intake_formdefinition WHEN {_SQLITE_CHANGED} "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;"
            ],
            sqlite_reverse=["DROP TRIGGER IF EXISTS intake_formdefinition_frozen;"],
            postgresql=[
                "CREATE OR REPLACE FUNCTION intake_formdefinition_frozen() "
                "RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{_MESSAGE}'; END; $$ LANGUAGE plpgsql;",
                "CREATE TRIGGER intake_formdefinition_frozen BEFORE UPDATE ON "
                f"intake_formdefinition FOR EACH ROW WHEN ({_PG_CHANGED}) "
                "EXECUTE FUNCTION intake_formdefinition_frozen();",
            ],
            postgresql_reverse=[
                "DROP TRIGGER IF EXISTS intake_formdefinition_frozen "
                "ON intake_formdefinition;",
                "DROP FUNCTION IF EXISTS intake_formdefinition_frozen();",
            ],
        ),
    ]
