"""privacy: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("privacy", "0001_initial"), ("privacy", "0002_arcorequest_answer_sent_at")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ArcoRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.CharField(editable=False, max_length=20, unique=True, verbose_name="number")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("access", "Access"),
                                    ("rectification", "Rectification"),
                                    ("cancellation", "Cancellation"),
                                    ("opposition", "Opposition"),
                                ],
                                max_length=13,
                                verbose_name="right",
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                help_text="Where the answer goes.", max_length=254, verbose_name="e-mail"
                            ),
                        ),
                        ("detail", models.TextField(blank=True, max_length=2000, verbose_name="what is asked")),
                        (
                            "received_at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                editable=False,
                                verbose_name="received at",
                            ),
                        ),
                        ("due_on", models.DateField(db_index=True, editable=False, verbose_name="answer due")),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("answered", "Answered")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("answer", models.TextField(blank=True, max_length=5000, verbose_name="answer")),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="answered at"),
                        ),
                        (
                            "answer_sent_at",
                            models.DateTimeField(
                                blank=True, editable=False, null=True, verbose_name="answer e-mailed at"
                            ),
                        ),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for a request received by e-mail from someone without an account.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="arco_requests",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer account",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ARCO request",
                        "verbose_name_plural": "ARCO requests",
                        "ordering": ["-received_at", "-pk"],
                        "indexes": [models.Index(fields=["status", "due_on"], name="privacy_arco_open_due_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("answered_at__isnull", True), ("status", "open")),
                                    models.Q(("status", "answered"), models.Q(("answer", ""), _negated=True)),
                                    _connector="OR",
                                ),
                                name="privacy_arco_answered_has_text",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AccountClosure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("by_customer", models.BooleanField(default=False, verbose_name="closed by the customer")),
                        (
                            "closed_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="closed at"
                            ),
                        ),
                        ("erased", models.JSONField(default=dict, verbose_name="erased")),
                        ("kept", models.JSONField(default=dict, verbose_name="kept")),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="account",
                            ),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The customer themselves, or the staff member who answered their request.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="closed by",
                            ),
                        ),
                        (
                            "arco_request",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="closures",
                                to="privacy.arcorequest",
                                verbose_name="ARCO request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "closed account",
                        "verbose_name_plural": "closed accounts",
                        "ordering": ["-closed_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalArcoRequest",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "number",
                            models.CharField(db_index=True, editable=False, max_length=20, verbose_name="number"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("access", "Access"),
                                    ("rectification", "Rectification"),
                                    ("cancellation", "Cancellation"),
                                    ("opposition", "Opposition"),
                                ],
                                max_length=13,
                                verbose_name="right",
                            ),
                        ),
                        (
                            "email",
                            models.EmailField(
                                help_text="Where the answer goes.", max_length=254, verbose_name="e-mail"
                            ),
                        ),
                        ("detail", models.TextField(blank=True, max_length=2000, verbose_name="what is asked")),
                        (
                            "received_at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                editable=False,
                                verbose_name="received at",
                            ),
                        ),
                        ("due_on", models.DateField(db_index=True, editable=False, verbose_name="answer due")),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("answered", "Answered")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("answer", models.TextField(blank=True, max_length=5000, verbose_name="answer")),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="answered at"),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="Empty for a request received by e-mail from someone without an account.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer account",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical ARCO request",
                        "verbose_name_plural": "historical ARCO requests",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
    ]
