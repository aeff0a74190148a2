"""orders: the foreign keys from orders to shipping (apart: shipping's tables point at orders), in place of migrations 0002 to 0003
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
from django.db import migrations, models

# SQLite rebuilt the history table from the models' state in the old chain, index included; PostgreSQL
# never had it (see the comment below). Each database is made as the old chain left it.
SQLITE_INDEX = (
    'CREATE INDEX "orders_historicalorder_shipping_method_id_e69c3446" '
    'ON "orders_historicalorder" ("shipping_method_id")'
)
SQLITE_DROP = 'DROP INDEX IF EXISTS "orders_historicalorder_shipping_method_id_e69c3446"'


def on_sqlite(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("orders", "0002_shipping_method_fk_order_emails"),
        ("orders", "0003_order_coupon_and_line_discount_parts"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("shipping", "0001_squashed_0003_initial"),
    ]

    operations = [
        # On PostgreSQL the history table's column has no index when migrated through the old chain (its 0002
        # turned a plain integer column into this foreign key in the state only); a new database is made the same.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="historicalorder",
                    name="shipping_method",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="shipping.shippingmethod",
                        verbose_name="shipping method",
                    ),
                ),
            ],
            database_operations=[
                migrations.AddField(
                    model_name="historicalorder",
                    name="shipping_method",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="shipping.shippingmethod",
                        verbose_name="shipping method",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="order",
            name="shipping_method",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="shipping.shippingmethod",
                verbose_name="shipping method",
            ),
        ),
        migrations.RunPython(on_sqlite(SQLITE_INDEX), on_sqlite(SQLITE_DROP)),
    ]
