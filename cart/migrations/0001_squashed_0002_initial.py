"""cart: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("cart", "0001_cart_client_for_hold_caps"), ("cart", "0002_cartcontact")]

    dependencies = []

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="CartContact",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("cart_key", models.CharField(max_length=64, unique=True, verbose_name="cart")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                    ],
                    options={
                        "verbose_name": "cart contact",
                        "verbose_name_plural": "cart contacts",
                    },
                ),
                migrations.CreateModel(
                    name="CartClient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("cart_key", models.CharField(max_length=64, unique=True, verbose_name="cart")),
                        ("ip", models.GenericIPAddressField(verbose_name="IP address")),
                        ("device", models.CharField(blank=True, max_length=64, verbose_name="device")),
                        ("seen_at", models.DateTimeField(auto_now=True, verbose_name="last seen")),
                    ],
                    options={
                        "verbose_name": "cart client",
                        "verbose_name_plural": "cart clients",
                        "indexes": [
                            models.Index(fields=["ip"], name="cart_client_ip"),
                            models.Index(fields=["device"], name="cart_client_device"),
                        ],
                    },
                ),
            ],
        ),
    ]
