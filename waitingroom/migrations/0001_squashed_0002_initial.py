"""waitingroom: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("waitingroom", "0001_initial"), ("waitingroom", "0002_alter_roomchange_threshold")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoomChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="set at")),
                (
                    "drop_open",
                    models.BooleanField(
                        default=False,
                        help_text="Every new shopper queues, from now on; they are let in from the opening time on.",
                        verbose_name="drop open",
                    ),
                ),
                (
                    "opens_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Shoppers who arrive before it wait in line and are let in from this time on (Lima time).",
                        null=True,
                        verbose_name="drop opens at",
                    ),
                ),
                (
                    "rate",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("5"),
                        help_text="How many shoppers the store can serve: the line moves at this rate.",
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0.01")),
                            django.core.validators.MaxValueValidator(Decimal("1000")),
                        ],
                        verbose_name="shoppers let in per second",
                    ),
                ),
                (
                    "threshold",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Above this many requests at once over every web node, new shoppers queue until the load falls, and a line moves only while the load is under it; 0: the load is not watched.",
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="requests in flight that open the room",
                    ),
                ),
                (
                    "admission_minutes",
                    models.PositiveIntegerField(
                        default=30,
                        help_text="A shopper let in stays in while they keep using the store; this long idle, they queue again.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1440),
                        ],
                        verbose_name="minutes an admission lasts",
                    ),
                ),
                (
                    "new_queue",
                    models.BooleanField(
                        default=False,
                        help_text="Set when this change opened a drop: earlier tickets and admissions no longer count.",
                        verbose_name="new line",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="set by",
                    ),
                ),
            ],
            options={
                "verbose_name": "waiting room setting",
                "verbose_name_plural": "waiting room settings",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
