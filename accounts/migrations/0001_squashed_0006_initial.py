"""accounts: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0006
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import accounts.fields
import accounts.models
import accounts.validators
import core.migration_operations

# The role groups a store needs (old 0002). Their permissions are set by accounts.roles.roles_sync,
# which runs after every `migrate`. Not carried: 0003's and 0004's fixes of existing addresses and
# identity numbers (a new database has no rows to fix).
ROLES = ("customer", "seller", "catalog manager", "warehouse operator", "support", "administrator")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("accounts", "0001_initial"),
        ("accounts", "0002_role_groups"),
        ("accounts", "0003_address_ubigeo"),
        ("accounts", "0004_identity_fields_ascii_digits"),
        ("accounts", "0005_created_labels"),
        ("accounts", "0006_user_dni_pending_until_email_confirmed"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="User",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("password", models.CharField(max_length=128, verbose_name="password")),
                        ("last_login", models.DateTimeField(blank=True, null=True, verbose_name="last login")),
                        (
                            "is_superuser",
                            models.BooleanField(
                                default=False,
                                help_text="Designates that this user has all permissions without explicitly assigning them.",
                                verbose_name="superuser status",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, unique=True, verbose_name="e-mail address")),
                        ("first_name", models.CharField(blank=True, max_length=150, verbose_name="first name")),
                        ("last_name", models.CharField(blank=True, max_length=150, verbose_name="last name")),
                        (
                            "phone",
                            models.CharField(
                                blank=True,
                                max_length=20,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\+?[0-9][0-9 ()\\-]{5,19}$",
                                        "Enter a valid phone number, for example 987 654 321 or +51 987 654 321.",
                                    )
                                ],
                                verbose_name="phone",
                            ),
                        ),
                        (
                            "dni",
                            accounts.fields.IdentityField(
                                blank=True,
                                help_text="8 digits, as on the ID card.",
                                max_length=8,
                                validators=[accounts.validators.validate_dni],
                                verbose_name="DNI",
                            ),
                        ),
                        (
                            "dni_pending",
                            accounts.fields.IdentityField(
                                blank=True,
                                editable=False,
                                max_length=8,
                                validators=[accounts.validators.validate_dni],
                                verbose_name="DNI awaiting e-mail confirmation",
                            ),
                        ),
                        ("email_verified", models.BooleanField(default=False, verbose_name="e-mail verified")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "is_staff",
                            models.BooleanField(
                                default=False,
                                help_text="Whether the user can sign in to the back office.",
                                verbose_name="staff status",
                            ),
                        ),
                        (
                            "date_joined",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="date joined"),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                blank=True,
                                help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.group",
                                verbose_name="groups",
                            ),
                        ),
                        (
                            "user_permissions",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Specific permissions for this user.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.permission",
                                verbose_name="user permissions",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "user",
                        "verbose_name_plural": "users",
                        "constraints": [
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("email"), name="accounts_user_email_ci_unique"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("dni", ""), _negated=True),
                                fields=("dni",),
                                name="accounts_user_dni_unique",
                                violation_error_code="unique",
                                violation_error_message="This DNI is already registered to another account.",
                            ),
                        ],
                    },
                    managers=[
                        ("objects", accounts.models.UserManager()),
                    ],
                ),
                migrations.CreateModel(
                    name="Address",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "label",
                            models.CharField(
                                blank=True, help_text="For example: Home, Office.", max_length=40, verbose_name="label"
                            ),
                        ),
                        ("recipient", models.CharField(max_length=150, verbose_name="recipient")),
                        (
                            "phone",
                            models.CharField(
                                max_length=20,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\+?[0-9][0-9 ()\\-]{5,19}$",
                                        "Enter a valid phone number, for example 987 654 321 or +51 987 654 321.",
                                    )
                                ],
                                verbose_name="phone",
                            ),
                        ),
                        ("street", models.CharField(max_length=255, verbose_name="street and number")),
                        (
                            "reference",
                            models.CharField(
                                blank=True,
                                help_text="Landmarks for the courier.",
                                max_length=255,
                                verbose_name="reference",
                            ),
                        ),
                        ("district", models.CharField(max_length=100, verbose_name="district")),
                        ("province", models.CharField(max_length=100, verbose_name="province")),
                        (
                            "department",
                            models.CharField(
                                choices=[
                                    ("01", "Amazonas"),
                                    ("02", "Áncash"),
                                    ("03", "Apurímac"),
                                    ("04", "Arequipa"),
                                    ("05", "Ayacucho"),
                                    ("06", "Cajamarca"),
                                    ("07", "Callao"),
                                    ("08", "Cusco"),
                                    ("09", "Huancavelica"),
                                    ("10", "Huánuco"),
                                    ("11", "Ica"),
                                    ("12", "Junín"),
                                    ("13", "La Libertad"),
                                    ("14", "Lambayeque"),
                                    ("15", "Lima"),
                                    ("16", "Loreto"),
                                    ("17", "Madre de Dios"),
                                    ("18", "Moquegua"),
                                    ("19", "Pasco"),
                                    ("20", "Piura"),
                                    ("21", "Puno"),
                                    ("22", "San Martín"),
                                    ("23", "Tacna"),
                                    ("24", "Tumbes"),
                                    ("25", "Ucayali"),
                                ],
                                max_length=2,
                                verbose_name="department",
                            ),
                        ),
                        (
                            "ubigeo",
                            models.CharField(
                                blank=True,
                                editable=False,
                                help_text="INEI district code, set from the department, province and district.",
                                max_length=6,
                                verbose_name="ubigeo",
                            ),
                        ),
                        (
                            "postal_code",
                            models.CharField(
                                blank=True,
                                max_length=5,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{5}$", "A Peruvian postal code has 5 digits."
                                    )
                                ],
                                verbose_name="postal code",
                            ),
                        ),
                        (
                            "country",
                            models.CharField(
                                choices=[("PE", "Peru")], default="PE", max_length=2, verbose_name="country"
                            ),
                        ),
                        (
                            "is_default_shipping",
                            models.BooleanField(default=False, verbose_name="default shipping address"),
                        ),
                        (
                            "is_default_billing",
                            models.BooleanField(default=False, verbose_name="default billing address"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="addresses",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "address",
                        "verbose_name_plural": "addresses",
                        "ordering": ["-is_default_shipping", "-created_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("is_default_shipping", True)),
                                fields=("user",),
                                name="accounts_address_one_default_shipping",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("is_default_billing", True)),
                                fields=("user",),
                                name="accounts_address_one_default_billing",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("ubigeo", ""),
                                    models.Q(
                                        ("ubigeo__regex", "^[0-9]{6}$"), ("ubigeo__startswith", models.F("department"))
                                    ),
                                    _connector="OR",
                                ),
                                name="accounts_address_ubigeo_in_department",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalSeller",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("store_name", models.CharField(max_length=120, verbose_name="store name")),
                        ("slug", models.SlugField(max_length=140, verbose_name="slug")),
                        (
                            "ruc",
                            accounts.fields.IdentityField(
                                db_index=True,
                                error_messages={"unique": "A seller with this RUC already exists."},
                                max_length=11,
                                validators=[accounts.validators.validate_ruc],
                                verbose_name="RUC",
                            ),
                        ),
                        ("is_approved", models.BooleanField(default=False, verbose_name="approved")),
                        ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approved at")),
                        (
                            "commission_rate",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("10.00"),
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="commission rate (%)",
                            ),
                        ),
                        ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created")),
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
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="approved by",
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
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical seller",
                        "verbose_name_plural": "historical sellers",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalUser",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "is_superuser",
                            models.BooleanField(
                                default=False,
                                help_text="Designates that this user has all permissions without explicitly assigning them.",
                                verbose_name="superuser status",
                            ),
                        ),
                        ("email", models.EmailField(db_index=True, max_length=254, verbose_name="e-mail address")),
                        ("first_name", models.CharField(blank=True, max_length=150, verbose_name="first name")),
                        ("last_name", models.CharField(blank=True, max_length=150, verbose_name="last name")),
                        (
                            "phone",
                            models.CharField(
                                blank=True,
                                max_length=20,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\+?[0-9][0-9 ()\\-]{5,19}$",
                                        "Enter a valid phone number, for example 987 654 321 or +51 987 654 321.",
                                    )
                                ],
                                verbose_name="phone",
                            ),
                        ),
                        (
                            "dni",
                            accounts.fields.IdentityField(
                                blank=True,
                                help_text="8 digits, as on the ID card.",
                                max_length=8,
                                validators=[accounts.validators.validate_dni],
                                verbose_name="DNI",
                            ),
                        ),
                        (
                            "dni_pending",
                            accounts.fields.IdentityField(
                                blank=True,
                                editable=False,
                                max_length=8,
                                validators=[accounts.validators.validate_dni],
                                verbose_name="DNI awaiting e-mail confirmation",
                            ),
                        ),
                        ("email_verified", models.BooleanField(default=False, verbose_name="e-mail verified")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "is_staff",
                            models.BooleanField(
                                default=False,
                                help_text="Whether the user can sign in to the back office.",
                                verbose_name="staff status",
                            ),
                        ),
                        (
                            "date_joined",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="date joined"),
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
                        "verbose_name": "historical user",
                        "verbose_name_plural": "historical users",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Seller",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("store_name", models.CharField(max_length=120, verbose_name="store name")),
                        ("slug", models.SlugField(max_length=140, unique=True, verbose_name="slug")),
                        (
                            "ruc",
                            accounts.fields.IdentityField(
                                error_messages={"unique": "A seller with this RUC already exists."},
                                max_length=11,
                                unique=True,
                                validators=[accounts.validators.validate_ruc],
                                verbose_name="RUC",
                            ),
                        ),
                        ("is_approved", models.BooleanField(default=False, verbose_name="approved")),
                        ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approved at")),
                        (
                            "commission_rate",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("10.00"),
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="commission rate (%)",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="approved by",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="seller",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "seller",
                        "verbose_name_plural": "sellers",
                        "ordering": ["store_name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("commission_rate__gte", 0), ("commission_rate__lte", 100)),
                                name="accounts_seller_commission_rate_range",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(create_groups, delete_groups),
    ]
