"""catalog: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0017
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.math
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

import catalog.models
import core.migration_operations
from catalog.sqlite_search import REBUILD

# Carried from the old chain, each on its database:
# - PostgreSQL search (old 0002): the spanish_unaccent configuration, the trigger that keeps
#   catalog_product.search_vector, search_name and the catalog_searchterm lexicon current, the cascades
#   from brand, category and family names, and the GIN indexes of both.
# - SQLite search (old 0008): the FTS5 index and its vocabulary (its triggers are installed after every
#   `migrate`, catalog.sqlite_search says why).
# - Indexes for a large catalog (old 0017, PostgreSQL only, not in the models' state as SQLite rebuilds a
#   table from that state): built plainly here, the tables being new and empty; the old migration built
#   them CONCURRENTLY on busy tables.
# Not carried: 0004's copy of each option value's product category (a new database has no rows).
FORWARD = r"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'spanish_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = spanish);
    ALTER TEXT SEARCH CONFIGURATION spanish_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION catalog_product_search_refresh() RETURNS trigger AS $$
DECLARE
  brand_name text;
  category_name text;
  family_name text;
BEGIN
  SELECT b.name INTO brand_name FROM catalog_brand b WHERE b.id = NEW.brand_id;
  SELECT c.name, f.name INTO category_name, family_name
    FROM catalog_category c JOIN catalog_family f ON f.id = c.family_id WHERE c.id = NEW.category_id;
  NEW.search_vector :=
       setweight(to_tsvector('spanish_unaccent', coalesce(NEW.name, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(NEW.base_sku, '')), 'A')
    || setweight(to_tsvector('spanish_unaccent', coalesce(brand_name, '')), 'B')
    || setweight(to_tsvector('spanish_unaccent', coalesce(category_name, '') || ' ' || coalesce(family_name, '')), 'C')
    || setweight(to_tsvector('spanish_unaccent', coalesce(NEW.description, '')), 'D');
  NEW.search_name := left(lower(unaccent(coalesce(NEW.name, '') || ' ' || coalesce(brand_name, ''))), 300);
  -- The words shoppers type: names of the product, its brand, category and family.
  INSERT INTO catalog_searchterm (word)
    SELECT DISTINCT term FROM regexp_split_to_table(
      lower(unaccent(NEW.search_name || ' ' || coalesce(category_name, '') || ' ' || coalesce(family_name, ''))),
      '[^a-z0-9]+') AS term
    WHERE length(term) BETWEEN 3 AND 80
  ON CONFLICT (word) DO NOTHING;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_product_search
  BEFORE INSERT OR UPDATE OF name, description, base_sku, brand_id, category_id ON catalog_product
  FOR EACH ROW EXECUTE FUNCTION catalog_product_search_refresh();

CREATE OR REPLACE FUNCTION catalog_brand_search_cascade() RETURNS trigger AS $$
BEGIN
  UPDATE catalog_product SET name = name WHERE brand_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_brand_search AFTER UPDATE OF name ON catalog_brand
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION catalog_brand_search_cascade();

CREATE OR REPLACE FUNCTION catalog_category_search_cascade() RETURNS trigger AS $$
BEGIN
  UPDATE catalog_product SET name = name WHERE category_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_category_search AFTER UPDATE OF name, family_id ON catalog_category
  FOR EACH ROW EXECUTE FUNCTION catalog_category_search_cascade();

CREATE OR REPLACE FUNCTION catalog_family_search_cascade() RETURNS trigger AS $$
BEGIN
  UPDATE catalog_product p SET name = p.name FROM catalog_category c WHERE p.category_id = c.id AND c.family_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_family_search AFTER UPDATE OF name ON catalog_family
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION catalog_family_search_cascade();

CREATE INDEX catalog_product_search_vector_idx ON catalog_product USING gin (search_vector);
CREATE INDEX catalog_searchterm_word_trgm_idx ON catalog_searchterm USING gin (word gin_trgm_ops);
"""

BACKWARD = r"""
DROP INDEX IF EXISTS catalog_searchterm_word_trgm_idx;
DROP INDEX IF EXISTS catalog_product_search_vector_idx;
DROP TRIGGER IF EXISTS catalog_family_search ON catalog_family;
DROP TRIGGER IF EXISTS catalog_category_search ON catalog_category;
DROP TRIGGER IF EXISTS catalog_brand_search ON catalog_brand;
DROP TRIGGER IF EXISTS catalog_product_search ON catalog_product;
DROP FUNCTION IF EXISTS catalog_family_search_cascade();
DROP FUNCTION IF EXISTS catalog_category_search_cascade();
DROP FUNCTION IF EXISTS catalog_brand_search_cascade();
DROP FUNCTION IF EXISTS catalog_product_search_refresh();
DROP TEXT SEARCH CONFIGURATION IF EXISTS spanish_unaccent;
"""

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
         name, sku, brand, category, description, tokenize = 'unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE catalog_product_fts_terms USING fts5vocab(catalog_product_fts, 'col')",
    *REBUILD,
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS catalog_product_fts_terms",
    "DROP TABLE IF EXISTS catalog_product_fts",
]

INDEXES = {
    "catalog_prod_name_trgm_idx": 'catalog_product USING gin (UPPER("name"::text) gin_trgm_ops)',
    "catalog_prod_base_sku_trgm_idx": 'catalog_product USING gin (UPPER("base_sku"::text) gin_trgm_ops)',
    "catalog_prod_model_number_trgm_idx": 'catalog_product USING gin (UPPER("model_number"::text) gin_trgm_ops)',
    "catalog_variant_sku_trgm_idx": 'catalog_variant USING gin (UPPER("sku"::text) gin_trgm_ops)',
    "catalog_prod_created_idx": 'catalog_product ("created_at" DESC, "id" DESC)',
    "catalog_prod_popular_idx": 'catalog_product ("units_sold" DESC, "id" DESC) WHERE "status" = \'active\'',
}


def on_postgresql(*statements: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def on_sqlite(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL, nothing elsewhere (sqlmigrate still shows its SQL to the migration linter)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("catalog", "0001_initial"),
        ("catalog", "0002_postgres_search"),
        ("catalog", "0003_facets_index_covers_id"),
        ("catalog", "0004_listing_sort_indexes_and_facet_category"),
        ("catalog", "0005_home_row_indexes"),
        ("catalog", "0006_rating_star_counts"),
        ("catalog", "0007_product_sale_price_for_automatic_discounts"),
        ("catalog", "0008_sqlite_search_index"),
        ("catalog", "0009_audit_history"),
        ("catalog", "0010_brand_description"),
        ("catalog", "0011_product_model_number_line_image"),
        ("catalog", "0012_history_of_brand_description"),
        ("catalog", "0013_bundles_and_scheduled_prices"),
        ("catalog", "0014_product_status_in_review"),
        ("catalog", "0015_model_number_help_text"),
        ("catalog", "0016_product_promo_badge"),
        ("catalog", "0017_large_catalog_indexes"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Banner",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=120, verbose_name="title")),
                        ("subtitle", models.CharField(blank=True, max_length=200, verbose_name="subtitle")),
                        ("button_text", models.CharField(blank=True, max_length=40, verbose_name="button text")),
                        ("image_desktop", models.ImageField(upload_to="banners/", verbose_name="desktop image")),
                        (
                            "image_mobile",
                            models.ImageField(blank=True, upload_to="banners/", verbose_name="mobile image"),
                        ),
                        (
                            "target_url",
                            models.CharField(
                                blank=True,
                                help_text="A store path such as /c/sofas/ or an https:// address.",
                                max_length=300,
                                validators=[catalog.models.validate_link],
                                verbose_name="target URL",
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("starts_at", models.DateTimeField(blank=True, null=True, verbose_name="starts at")),
                        ("ends_at", models.DateTimeField(blank=True, null=True, verbose_name="ends at")),
                    ],
                    options={
                        "verbose_name": "banner",
                        "verbose_name_plural": "banners",
                        "ordering": ["order", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Brand",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                        ("slug", models.SlugField(max_length=90, unique=True, verbose_name="slug")),
                        ("logo", models.ImageField(blank=True, upload_to="brands/", verbose_name="logo")),
                        (
                            "country",
                            models.CharField(
                                blank=True, help_text="ISO code, e.g. PE, US, TW.", max_length=2, verbose_name="country"
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="Shown on the brand's page.", verbose_name="description"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "brand",
                        "verbose_name_plural": "brands",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Collection",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        ("slug", models.SlugField(max_length=140, unique=True, verbose_name="slug")),
                        (
                            "collection_type",
                            models.CharField(
                                choices=[("drop", "Drop"), ("seasonal", "Seasonal"), ("collab", "Collab")],
                                default="drop",
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "hero_image",
                            models.ImageField(blank=True, upload_to="collections/", verbose_name="hero image"),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts at")),
                        ("ends_at", models.DateTimeField(blank=True, null=True, verbose_name="ends at")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "collection",
                        "verbose_name_plural": "collections",
                        "ordering": ["-starts_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Family",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                        ("slug", models.SlugField(max_length=90, unique=True, verbose_name="slug")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "icon",
                            models.CharField(
                                blank=True,
                                help_text="Name of an icon in the store's set.",
                                max_length=40,
                                verbose_name="icon",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "family",
                        "verbose_name_plural": "families",
                        "ordering": ["order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Option",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=30, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                    ],
                    options={
                        "verbose_name": "option",
                        "verbose_name_plural": "options",
                        "ordering": ["order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="SearchTerm",
                    fields=[
                        ("word", models.CharField(max_length=80, primary_key=True, serialize=False)),
                    ],
                    options={
                        "verbose_name": "search term",
                        "verbose_name_plural": "search terms",
                    },
                ),
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("slug", models.SlugField(max_length=90, unique=True, verbose_name="slug")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("icon", models.CharField(blank=True, max_length=40, verbose_name="icon")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="catalog.category",
                                verbose_name="parent",
                            ),
                        ),
                        (
                            "family",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="categories",
                                to="catalog.family",
                                verbose_name="family",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "category",
                        "verbose_name_plural": "categories",
                        "ordering": ["family__order", "order", "name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("family", "name"), name="catalog_category_name_unique_in_family"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("parent", models.F("pk")), _negated=True),
                                name="catalog_category_not_own_parent",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalBrand",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("name", models.CharField(db_index=True, max_length=80, verbose_name="name")),
                        ("slug", models.SlugField(max_length=90, verbose_name="slug")),
                        ("logo", models.TextField(blank=True, max_length=100, verbose_name="logo")),
                        (
                            "country",
                            models.CharField(
                                blank=True, help_text="ISO code, e.g. PE, US, TW.", max_length=2, verbose_name="country"
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="Shown on the brand's page.", verbose_name="description"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
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
                        "verbose_name": "historical brand",
                        "verbose_name_plural": "historical brands",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalCategory",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("slug", models.SlugField(max_length=90, verbose_name="slug")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("icon", models.CharField(blank=True, max_length=40, verbose_name="icon")),
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
                            "family",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.family",
                                verbose_name="family",
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
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.category",
                                verbose_name="parent",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical category",
                        "verbose_name_plural": "historical categories",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Kit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        ("slug", models.SlugField(max_length=140, unique=True, verbose_name="slug")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("cover", models.ImageField(blank=True, upload_to="kits/", verbose_name="cover")),
                        (
                            "room_type",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("office", "Office"),
                                    ("living", "Living room"),
                                    ("bedroom", "Bedroom"),
                                    ("dining", "Dining room"),
                                    ("gaming", "Gaming room"),
                                    ("outfit", "Outfit"),
                                ],
                                max_length=20,
                                verbose_name="room type",
                            ),
                        ),
                        ("style_tags", models.JSONField(blank=True, default=list, verbose_name="style tags")),
                        (
                            "discount_percent",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("90")),
                                ],
                                verbose_name="kit discount (%)",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "kit",
                        "verbose_name_plural": "kits",
                        "ordering": ["name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("discount_percent__gte", 0), ("discount_percent__lte", 90)),
                                name="catalog_kit_discount_range",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OptionValue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("value", models.CharField(max_length=60, verbose_name="value")),
                        ("slug", models.SlugField(max_length=70, verbose_name="slug")),
                        (
                            "swatch",
                            models.CharField(
                                blank=True,
                                help_text="#RRGGBB, for colours.",
                                max_length=7,
                                verbose_name="swatch colour",
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "option",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="values",
                                to="catalog.option",
                                verbose_name="option",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "option value",
                        "verbose_name_plural": "option values",
                        "ordering": ["option__order", "order", "value"],
                        "constraints": [
                            models.UniqueConstraint(fields=("option", "slug"), name="catalog_optionvalue_slug_unique"),
                            models.UniqueConstraint(
                                fields=("option", "value"), name="catalog_optionvalue_value_unique"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Product",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "rating_average",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=3,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("5")),
                                ],
                                verbose_name="rating average",
                            ),
                        ),
                        ("rating_count", models.PositiveIntegerField(default=0, verbose_name="rating count")),
                        ("rating_1", models.PositiveIntegerField(default=0, verbose_name="1-star reviews")),
                        ("rating_2", models.PositiveIntegerField(default=0, verbose_name="2-star reviews")),
                        ("rating_3", models.PositiveIntegerField(default=0, verbose_name="3-star reviews")),
                        ("rating_4", models.PositiveIntegerField(default=0, verbose_name="4-star reviews")),
                        ("rating_5", models.PositiveIntegerField(default=0, verbose_name="5-star reviews")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("slug", models.SlugField(max_length=220, unique=True, verbose_name="slug")),
                        ("base_sku", models.CharField(max_length=40, unique=True, verbose_name="base SKU")),
                        (
                            "product_type",
                            models.CharField(
                                choices=[("physical", "Physical"), ("bundle", "Bundle")],
                                default="physical",
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "model_number",
                            models.CharField(
                                blank=True,
                                help_text="The manufacturer's model number, as printed on the box.",
                                max_length=60,
                                verbose_name="model number",
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("specs", models.JSONField(blank=True, default=dict, verbose_name="specifications")),
                        (
                            "base_price",
                            models.DecimalField(decimal_places=2, max_digits=10, verbose_name="price (IGV included)"),
                        ),
                        (
                            "compare_at_price",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="The list price shown crossed out.",
                                max_digits=10,
                                null=True,
                                verbose_name="compare-at price",
                            ),
                        ),
                        (
                            "promo_percent",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=5,
                                verbose_name="automatic discount (%)",
                            ),
                        ),
                        (
                            "promo_amount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=10,
                                verbose_name="automatic discount (S/)",
                            ),
                        ),
                        (
                            "promo_badge",
                            models.CharField(
                                blank=True, default="", editable=False, max_length=30, verbose_name="quantity offer"
                            ),
                        ),
                        (
                            "sale_price",
                            models.GeneratedField(
                                db_persist=True,
                                expression=django.db.models.functions.comparison.Greatest(
                                    django.db.models.functions.comparison.Least(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("base_price"),
                                            "-",
                                            django.db.models.functions.math.Round(
                                                django.db.models.expressions.CombinedExpression(
                                                    django.db.models.expressions.CombinedExpression(
                                                        models.F("base_price"), "*", models.F("promo_percent")
                                                    ),
                                                    "/",
                                                    models.Value(100),
                                                ),
                                                2,
                                            ),
                                        ),
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("base_price"), "-", models.F("promo_amount")
                                        ),
                                    ),
                                    models.Value(Decimal("0.00")),
                                ),
                                output_field=models.DecimalField(decimal_places=2, max_digits=10),
                                verbose_name="price with discount",
                            ),
                        ),
                        (
                            "warranty_months",
                            models.PositiveSmallIntegerField(default=12, verbose_name="warranty (months)"),
                        ),
                        (
                            "weight_kg",
                            models.DecimalField(
                                decimal_places=3, default=Decimal("0.500"), max_digits=7, verbose_name="weight (kg)"
                            ),
                        ),
                        (
                            "length_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="length (cm)"
                            ),
                        ),
                        (
                            "width_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="width (cm)"
                            ),
                        ),
                        (
                            "height_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="height (cm)"
                            ),
                        ),
                        ("is_featured", models.BooleanField(default=False, verbose_name="featured")),
                        ("is_new", models.BooleanField(default=False, verbose_name="new")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("review", "In review"),
                                    ("active", "Active"),
                                    ("inactive", "Inactive"),
                                ],
                                default="draft",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("units_sold", models.PositiveIntegerField(default=0, verbose_name="units sold")),
                        (
                            "max_per_customer",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty: the store's default (5).",
                                null=True,
                                verbose_name="maximum per customer",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("search_vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ("search_name", models.CharField(blank=True, editable=False, max_length=300)),
                        (
                            "brand",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="products",
                                to="catalog.brand",
                                verbose_name="brand",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="products",
                                to="catalog.category",
                                verbose_name="category",
                            ),
                        ),
                        (
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="products",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "product",
                        "verbose_name_plural": "products",
                        "ordering": ["-created_at"],
                    },
                    bases=(catalog.models.ShownPriceFigures, models.Model),
                ),
                migrations.CreateModel(
                    name="KitItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "quantity",
                            models.PositiveSmallIntegerField(
                                default=1,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="quantity",
                            ),
                        ),
                        ("is_optional", models.BooleanField(default=False, verbose_name="optional")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "kit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="items",
                                to="catalog.kit",
                                verbose_name="kit",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "kit item",
                        "verbose_name_plural": "kit items",
                        "ordering": ["order", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kit", "product"), name="catalog_kititem_unique"),
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gte", 1)), name="catalog_kititem_quantity_positive"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalVariant",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("sku", models.CharField(db_index=True, max_length=50, verbose_name="SKU")),
                        (
                            "price_modifier",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="Added to the product's price; may be negative.",
                                max_digits=10,
                                verbose_name="price modifier",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
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
                        (
                            "product",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical variant",
                        "verbose_name_plural": "historical variants",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="CollectionItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "collection",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="items",
                                to="catalog.collection",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="collection_items",
                                to="catalog.product",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "collection product",
                        "verbose_name_plural": "collection products",
                        "ordering": ["order", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("collection", "product"), name="catalog_collectionitem_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProductLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "rating_average",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=3,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("5")),
                                ],
                                verbose_name="rating average",
                            ),
                        ),
                        ("rating_count", models.PositiveIntegerField(default=0, verbose_name="rating count")),
                        ("rating_1", models.PositiveIntegerField(default=0, verbose_name="1-star reviews")),
                        ("rating_2", models.PositiveIntegerField(default=0, verbose_name="2-star reviews")),
                        ("rating_3", models.PositiveIntegerField(default=0, verbose_name="3-star reviews")),
                        ("rating_4", models.PositiveIntegerField(default=0, verbose_name="4-star reviews")),
                        ("rating_5", models.PositiveIntegerField(default=0, verbose_name="5-star reviews")),
                        ("name", models.CharField(max_length=120, unique=True, verbose_name="name")),
                        ("slug", models.SlugField(max_length=140, unique=True, verbose_name="slug")),
                        (
                            "manufacturer",
                            models.CharField(
                                blank=True, help_text="E.g. NVIDIA, Intel.", max_length=80, verbose_name="manufacturer"
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("base_specs", models.JSONField(blank=True, default=dict, verbose_name="base specifications")),
                        (
                            "image",
                            models.ImageField(
                                blank=True,
                                help_text="Shown on the line's page.",
                                upload_to="lines/",
                                verbose_name="image",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="lines",
                                to="catalog.category",
                                verbose_name="category",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "product line",
                        "verbose_name_plural": "product lines",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalProduct",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("slug", models.SlugField(max_length=220, verbose_name="slug")),
                        ("base_sku", models.CharField(db_index=True, max_length=40, verbose_name="base SKU")),
                        (
                            "product_type",
                            models.CharField(
                                choices=[("physical", "Physical"), ("bundle", "Bundle")],
                                default="physical",
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "model_number",
                            models.CharField(
                                blank=True,
                                help_text="The manufacturer's model number, as printed on the box.",
                                max_length=60,
                                verbose_name="model number",
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("specs", models.JSONField(blank=True, default=dict, verbose_name="specifications")),
                        (
                            "base_price",
                            models.DecimalField(decimal_places=2, max_digits=10, verbose_name="price (IGV included)"),
                        ),
                        (
                            "compare_at_price",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="The list price shown crossed out.",
                                max_digits=10,
                                null=True,
                                verbose_name="compare-at price",
                            ),
                        ),
                        (
                            "warranty_months",
                            models.PositiveSmallIntegerField(default=12, verbose_name="warranty (months)"),
                        ),
                        (
                            "weight_kg",
                            models.DecimalField(
                                decimal_places=3, default=Decimal("0.500"), max_digits=7, verbose_name="weight (kg)"
                            ),
                        ),
                        (
                            "length_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="length (cm)"
                            ),
                        ),
                        (
                            "width_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="width (cm)"
                            ),
                        ),
                        (
                            "height_cm",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=7, null=True, verbose_name="height (cm)"
                            ),
                        ),
                        ("is_featured", models.BooleanField(default=False, verbose_name="featured")),
                        ("is_new", models.BooleanField(default=False, verbose_name="new")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("review", "In review"),
                                    ("active", "Active"),
                                    ("inactive", "Inactive"),
                                ],
                                default="draft",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "max_per_customer",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty: the store's default (5).",
                                null=True,
                                verbose_name="maximum per customer",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
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
                            "brand",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.brand",
                                verbose_name="brand",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.category",
                                verbose_name="category",
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
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                        (
                            "line",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.productline",
                                verbose_name="product line",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical product",
                        "verbose_name_plural": "historical products",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="ProductOptionValue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="catalog.category",
                            ),
                        ),
                        (
                            "option_value",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.optionvalue"
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.product"
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["option_value", "product"], name="catalog_pov_value_product_idx"),
                            models.Index(
                                fields=["category", "option_value", "product"], name="catalog_pov_category_idx"
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("product", "option_value"), name="catalog_productoptionvalue_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Variant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sku", models.CharField(max_length=50, unique=True, verbose_name="SKU")),
                        (
                            "price_modifier",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="Added to the product's price; may be negative.",
                                max_digits=10,
                                verbose_name="price modifier",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "option_values",
                            models.ManyToManyField(
                                blank=True,
                                related_name="variants",
                                to="catalog.optionvalue",
                                verbose_name="option values",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="variants",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "variant",
                        "verbose_name_plural": "variants",
                        "ordering": ["order", "sku"],
                    },
                    bases=(catalog.models.ShownPriceFigures, models.Model),
                ),
                migrations.CreateModel(
                    name="ScheduledPrice",
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
                                choices=[("percent", "Percentage"), ("price", "New price")],
                                default="percent",
                                max_length=10,
                                verbose_name="change",
                            ),
                        ),
                        (
                            "percent",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Negative lowers the price (-15 is 15 percent off), positive raises it.",
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("-90")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="percentage",
                            ),
                        ),
                        (
                            "new_price",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="IGV included.",
                                max_digits=10,
                                null=True,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                                verbose_name="new price",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts at")),
                        (
                            "ends_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Empty: the new price stays. At the end the previous price returns.",
                                null=True,
                                verbose_name="ends at",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("scheduled", "Scheduled"),
                                    ("running", "Running"),
                                    ("ended", "Ended"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="scheduled",
                                editable=False,
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "previous",
                            models.JSONField(blank=True, default=dict, editable=False, verbose_name="previous prices"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created"
                            ),
                        ),
                        (
                            "applied_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="applied at"),
                        ),
                        (
                            "ended_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ended at"),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                blank=True,
                                help_text="Every product of the category and of its subcategories.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scheduled_prices",
                                to="catalog.category",
                                verbose_name="category",
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
                                verbose_name="scheduled by",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scheduled_prices",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "scheduled price",
                        "verbose_name_plural": "scheduled prices",
                        "ordering": ["-starts_at", "-pk"],
                        "indexes": [models.Index(fields=["status", "starts_at"], name="catalog_schedprice_due_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("category__isnull", True), ("variant__isnull", False)),
                                    models.Q(("category__isnull", False), ("variant__isnull", True)),
                                    _connector="OR",
                                ),
                                name="catalog_scheduledprice_one_target",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("kind", "percent"), ("new_price__isnull", True), ("percent__isnull", False)
                                    ),
                                    models.Q(
                                        ("kind", "price"), ("new_price__isnull", False), ("percent__isnull", True)
                                    ),
                                    _connector="OR",
                                ),
                                name="catalog_scheduledprice_kind_value",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("ends_at__isnull", True), ("ends_at__gt", models.F("starts_at")), _connector="OR"
                                ),
                                name="catalog_scheduledprice_window",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProductImage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("image", models.ImageField(upload_to="products/%Y/%m/", verbose_name="image")),
                        ("alt", models.CharField(blank=True, max_length=200, verbose_name="alternative text")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="images",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="images",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "product image",
                        "verbose_name_plural": "product images",
                        "ordering": ["order", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PriceHistory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("price", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="price")),
                        (
                            "previous_price",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=10, null=True, verbose_name="previous price"
                            ),
                        ),
                        (
                            "changed_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="changed at"
                            ),
                        ),
                        ("source", models.CharField(blank=True, max_length=40, verbose_name="source")),
                        (
                            "changed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="changed by",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="price_history",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "price change",
                        "verbose_name_plural": "price history",
                        "ordering": ["-changed_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="BundleComponent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "quantity",
                            models.PositiveSmallIntegerField(
                                default=1,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="quantity",
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "bundle",
                            models.ForeignKey(
                                limit_choices_to={"product_type": "bundle"},
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="bundle_components",
                                to="catalog.product",
                                verbose_name="bundle",
                            ),
                        ),
                        (
                            "component",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="in_bundles",
                                to="catalog.variant",
                                verbose_name="component",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "bundle component",
                        "verbose_name_plural": "bundle components",
                        "ordering": ["order", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("bundle", "component"), name="catalog_bundlecomponent_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gte", 1)),
                                name="catalog_bundlecomponent_quantity_positive",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="collection",
            name="products",
            field=models.ManyToManyField(
                related_name="collections",
                through="catalog.CollectionItem",
                to="catalog.product",
                verbose_name="products",
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="products",
                to="catalog.productline",
                verbose_name="product line",
            ),
        ),
        migrations.AddConstraint(
            model_name="collection",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__isnull", True), ("ends_at__gt", models.F("starts_at")), _connector="OR"),
                name="catalog_collection_window",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["category", "-is_featured", "-units_sold", "-id"],
                name="catalog_prod_cat_relevance_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["category", "sale_price", "id"],
                name="catalog_prod_cat_sale_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["category", "-created_at", "-id"],
                name="catalog_prod_cat_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["category", "-rating_average", "-rating_count", "-id"],
                name="catalog_prod_cat_rating_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["category", "-units_sold", "-id"],
                name="catalog_prod_cat_sold_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["category", "status"], include=("brand", "sale_price", "id"), name="catalog_prod_sale_facet_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "sale_price"], name="catalog_prod_sale_price_idx"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "-units_sold"], name="catalog_prod_sold_idx"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "-rating_average"], name="catalog_prod_rating_idx"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active"), ("is_featured", True)),
                fields=["-units_sold", "-id"],
                name="catalog_prod_featured_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("status", "active"), ("is_new", True)),
                fields=["-created_at", "-id"],
                name="catalog_prod_new_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(("base_price__gte", 0)), name="catalog_product_price_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("compare_at_price__isnull", True),
                    ("compare_at_price__gte", models.F("base_price")),
                    _connector="OR",
                ),
                name="catalog_product_compare_at_not_below_price",
            ),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        migrations.RunPython(on_sqlite(SQLITE_FORWARD), on_sqlite(SQLITE_BACKWARD)),
        *(
            RunSQLOnPostgreSQL(sql=f"CREATE INDEX {name} ON {target}", reverse_sql=f"DROP INDEX IF EXISTS {name}")
            for name, target in INDEXES.items()
        ),
    ]
