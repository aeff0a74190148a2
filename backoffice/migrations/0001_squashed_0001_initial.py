"""backoffice: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("backoffice", "0001_commissions")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="CategoryCommission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "rate",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="commission rate (%)",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="commissions",
                                to="catalog.category",
                                verbose_name="category",
                            ),
                        ),
                        (
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty: every seller without a rate of their own for this category.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="category_commissions",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "category commission",
                        "verbose_name_plural": "category commissions",
                        "ordering": ["category__name", "seller__store_name"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("seller__isnull", False)),
                                fields=("category", "seller"),
                                name="backoffice_category_commission_once_per_seller",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("seller__isnull", True)),
                                fields=("category",),
                                name="backoffice_category_commission_once_for_all",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("rate__gte", 0), ("rate__lte", 100)),
                                name="backoffice_category_commission_rate_range",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LineCommission",
                    fields=[
                        (
                            "order_line",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="commission",
                                serialize=False,
                                to="orders.orderline",
                                verbose_name="order line",
                            ),
                        ),
                        (
                            "rate",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="commission rate (%)",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[("seller", "Seller's rate"), ("category", "Category rate")],
                                max_length=10,
                                verbose_name="rate from",
                            ),
                        ),
                        ("base", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="paid amount")),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="commission")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        (
                            "seller",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="line_commissions",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "line commission",
                        "verbose_name_plural": "line commissions",
                        "ordering": ["-created_at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("amount__gte", 0), ("amount__lte", models.F("base"))),
                                name="backoffice_line_commission_within_base",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
