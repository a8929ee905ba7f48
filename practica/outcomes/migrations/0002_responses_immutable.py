from django.db import migrations

from practica.core.db_ops import VendorSQL, immutable_rows_sql


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [
        VendorSQL(**immutable_rows_sql("outcomes_measureresponse")),
        VendorSQL(**immutable_rows_sql("outcomes_responseerrormark")),
    ]
