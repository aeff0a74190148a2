"""SQLite full-text search for products: the FTS5 index and its vocabulary, filled with the
products that exist. Its triggers are installed after every `migrate` (catalog.sqlite_search says
why); nothing happens on PostgreSQL."""

from django.db import migrations

from catalog.sqlite_search import REBUILD

FORWARD = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
         name, sku, brand, category, description, tokenize = 'unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE catalog_product_fts_terms USING fts5vocab(catalog_product_fts, 'col')",
    *REBUILD,
]

BACKWARD = [
    "DROP TABLE IF EXISTS catalog_product_fts_terms",
    "DROP TABLE IF EXISTS catalog_product_fts",
]


def on_sqlite(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_product_sale_price_for_automatic_discounts")]

    operations = [migrations.RunPython(on_sqlite(FORWARD), on_sqlite(BACKWARD))]
