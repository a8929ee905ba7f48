from django.db import migrations

from practica.core.db_ops import VendorSQL, immutable_rows_sql


class Migration(migrations.Migration):
    dependencies = [("charting", "0001_initial")]
    operations = [
        VendorSQL(**immutable_rows_sql("charting_clinicalnote", when="OLD.status = 'signed'")),
        VendorSQL(**immutable_rows_sql("charting_noteaddendum")),
    ]
