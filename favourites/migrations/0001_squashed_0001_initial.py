"""favourites: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("favourites", "0001_initial")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="FavouriteShare",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=32, unique=True, verbose_name="key")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="shared at")),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="favourite_share",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shared favourites link",
                        "verbose_name_plural": "shared favourites links",
                    },
                ),
                migrations.CreateModel(
                    name="Favourite",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "saved_price",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="price when saved"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="saved at")),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="favourites",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "favourite",
                        "verbose_name_plural": "favourites",
                        "ordering": ("-created_at", "-id"),
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "product"), name="favourite_user_product_unique")
                        ],
                    },
                ),
            ],
        ),
    ]
