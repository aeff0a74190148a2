"""Indexes for a large catalog (issue 50: 500,000 products).

- Search (catalog.search): the visible products by popularity, the order a search reads its first
  matches in (MAX_MATCHES of them, then it stops) when the planner expects many; without it every
  match of a broad word is read and sorted.

The admin's product list and its search within a second:

- Trigram indexes (pg_trgm, migration 0002) on what its search box reads, as Django's `icontains`
  writes it on PostgreSQL (`UPPER(column::text) LIKE UPPER('%term%')`): the product's name, base SKU
  and model number, and the variant's SKU. Without them every search reads every product and
  every variant.
- The list's default order (newest first, `Product.Meta.ordering`, then the id the admin adds to
  make it total) from an index: it reads one page of rows instead of sorting the catalog.

PostgreSQL only, built CONCURRENTLY (no lock on the busy tables while they are built, hence
`atomic = False`); SQLite (the embedded default, a demo catalog) needs neither, and could not
build a GIN index. Not in the models' state, as the search vector's index (0002): SQLite rebuilds a
table from that state.
"""

from django.db import migrations

INDEXES = {
    "catalog_prod_name_trgm_idx": 'catalog_product USING gin (UPPER("name"::text) gin_trgm_ops)',
    "catalog_prod_base_sku_trgm_idx": 'catalog_product USING gin (UPPER("base_sku"::text) gin_trgm_ops)',
    "catalog_prod_model_number_trgm_idx": 'catalog_product USING gin (UPPER("model_number"::text) gin_trgm_ops)',
    "catalog_variant_sku_trgm_idx": 'catalog_variant USING gin (UPPER("sku"::text) gin_trgm_ops)',
    "catalog_prod_created_idx": 'catalog_product ("created_at" DESC, "id" DESC)',
    "catalog_prod_popular_idx": 'catalog_product ("units_sold" DESC, "id" DESC) WHERE "status" = \'active\'',
}


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL, nothing elsewhere (sqlmigrate still shows its SQL to the migration linter)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("catalog", "0016_product_promo_badge")]

    operations = [
        RunSQLOnPostgreSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
