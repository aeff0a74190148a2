"""legal: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("legal", "0001_policies_and_consent")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="PolicyVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("terms", "Terms and conditions"),
                                    ("privacy", "Privacy policy"),
                                    ("returns", "Returns policy"),
                                    ("shipping", "Shipping policy"),
                                ],
                                max_length=10,
                                verbose_name="policy",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(editable=False, verbose_name="version")),
                        ("title", models.CharField(max_length=150, verbose_name="title")),
                        (
                            "body",
                            models.TextField(
                                help_text='Plain text. A blank line starts a new paragraph; a line starting with "## " is a heading.',
                                max_length=60000,
                                verbose_name="text",
                            ),
                        ),
                        ("change_note", models.CharField(blank=True, max_length=255, verbose_name="what changed")),
                        (
                            "published_at",
                            models.DateTimeField(
                                blank=True, db_index=True, editable=False, null=True, verbose_name="published at"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created at"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="written by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "policy version",
                        "verbose_name_plural": "policy versions",
                        "ordering": ["kind", "-version"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "version"), name="legal_policy_version_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(db_index=True, max_length=254, verbose_name="e-mail")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("terms", "Terms and conditions"),
                                    ("privacy", "Processing of personal data (privacy policy)"),
                                    ("marketing", "Marketing e-mails"),
                                ],
                                max_length=10,
                                verbose_name="consent to",
                            ),
                        ),
                        (
                            "granted",
                            models.BooleanField(default=True, help_text="False: withdrawn.", verbose_name="granted"),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("signup", "Sign-up"),
                                    ("checkout", "Checkout"),
                                    ("account", "My account"),
                                    ("demo", "Demo data"),
                                ],
                                max_length=10,
                                verbose_name="where",
                            ),
                        ),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for a guest (the e-mail says who).",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="consents",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "policy_version",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="legal.policyversion",
                                verbose_name="policy version",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consent",
                        "verbose_name_plural": "consents",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["user", "kind", "created_at"], name="legal_consent_user_kind_idx")
                        ],
                    },
                ),
            ],
        ),
    ]
