"""core: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0003
(docs/operations/deploys.md, "Squashed migrations")."""

from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("core", "0001_counter"), ("core", "0002_carry_counters"), ("core", "0003_heartbeat")]

    dependencies = [
        ("credit", "0001_squashed_0001_initial"),
        ("inventory", "0001_squashed_0002_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
        ("receipts", "0001_squashed_0001_initial"),
        ("returns", "0001_squashed_0003_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Heartbeat",
                    fields=[
                        (
                            "name",
                            models.CharField(max_length=200, primary_key=True, serialize=False, verbose_name="name"),
                        ),
                        ("at", models.DateTimeField(verbose_name="at")),
                    ],
                    options={
                        "verbose_name": "heartbeat",
                        "verbose_name_plural": "heartbeats",
                    },
                ),
                migrations.CreateModel(
                    name="Counter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("scope", models.CharField(max_length=30, verbose_name="scope")),
                        ("key", models.CharField(max_length=20, verbose_name="key")),
                        ("last", models.PositiveIntegerField(default=0, verbose_name="last number")),
                    ],
                    options={
                        "verbose_name": "counter",
                        "verbose_name_plural": "counters",
                        "constraints": [
                            models.UniqueConstraint(fields=("scope", "key"), name="core_counter_scope_key_unique")
                        ],
                    },
                ),
            ],
        ),
    ]
