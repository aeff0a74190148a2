"""PostgreSQL: the inventory_reserve() function (inventory/sql/reserve.sql), the one-round-trip
form of services.stock_reserve. Other databases use the Python path only."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql" / "reserve.sql"
DROP = (
    "DROP FUNCTION IF EXISTS inventory_reserve(bigint[], integer[], varchar, bigint, bigint, timestamptz, "
    "timestamptz, integer)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL.read_text())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
