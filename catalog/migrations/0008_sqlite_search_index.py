"""SQLite full-text search for products (the embedded default); nothing happens on PostgreSQL,
which has its own search vector (0002_postgres_search).

- catalog_product_fts: an FTS5 index, rowid = product id, with the columns that
  catalog.search weights by bm25 (name, sku, brand, category + family, description),
  tokenized by unicode61 without diacritics, so "audifonos" finds "Audífonos".
- Triggers keep it current on every insert, update and delete of a product, bulk ones
  included (the demo loader uses bulk_create), and when a brand, category or family is renamed.
- catalog_product_fts_terms (fts5vocab): the words of the index; typo correction compares a
  misspelt word with those of names, brands and categories, as PostgreSQL does with
  catalog_searchterm.
"""

from django.db import migrations

PRODUCT_ROW = """
  SELECT NEW.id, NEW.name, NEW.base_sku,
    coalesce((SELECT b.name FROM catalog_brand b WHERE b.id = NEW.brand_id), ''),
    coalesce((SELECT c.name || ' ' || f.name FROM catalog_category c JOIN catalog_family f ON f.id = c.family_id
              WHERE c.id = NEW.category_id), ''),
    coalesce(NEW.description, '');
"""

FORWARD = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
         name, sku, brand, category, description, tokenize = 'unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE catalog_product_fts_terms USING fts5vocab(catalog_product_fts, 'col')",
    f"""CREATE TRIGGER catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN
          INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description) {PRODUCT_ROW}
        END""",
    f"""CREATE TRIGGER catalog_product_fts_update
          AFTER UPDATE OF name, description, base_sku, brand_id, category_id ON catalog_product BEGIN
          DELETE FROM catalog_product_fts WHERE rowid = OLD.id;
          INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description) {PRODUCT_ROW}
        END""",
    """CREATE TRIGGER catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN
         DELETE FROM catalog_product_fts WHERE rowid = OLD.id;
       END""",
    # Renaming a brand, category or family rewrites its products' rows (the update trigger above).
    """CREATE TRIGGER catalog_brand_fts AFTER UPDATE OF name ON catalog_brand
         WHEN OLD.name IS NOT NEW.name BEGIN
         UPDATE catalog_product SET name = name WHERE brand_id = NEW.id;
       END""",
    """CREATE TRIGGER catalog_category_fts AFTER UPDATE OF name, family_id ON catalog_category
         WHEN OLD.name IS NOT NEW.name OR OLD.family_id IS NOT NEW.family_id BEGIN
         UPDATE catalog_product SET name = name WHERE category_id = NEW.id;
       END""",
    """CREATE TRIGGER catalog_family_fts AFTER UPDATE OF name ON catalog_family
         WHEN OLD.name IS NOT NEW.name BEGIN
         UPDATE catalog_product SET name = name
          WHERE category_id IN (SELECT id FROM catalog_category WHERE family_id = NEW.id);
       END""",
    # Products that already exist (a database migrated before this index).
    """INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description)
       SELECT p.id, p.name, p.base_sku, coalesce(b.name, ''), coalesce(c.name || ' ' || f.name, ''),
              coalesce(p.description, '')
         FROM catalog_product p
         LEFT JOIN catalog_brand b ON b.id = p.brand_id
         LEFT JOIN catalog_category c ON c.id = p.category_id
         LEFT JOIN catalog_family f ON f.id = c.family_id""",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_family_fts",
    "DROP TRIGGER IF EXISTS catalog_category_fts",
    "DROP TRIGGER IF EXISTS catalog_brand_fts",
    "DROP TRIGGER IF EXISTS catalog_product_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_product_fts_update",
    "DROP TRIGGER IF EXISTS catalog_product_fts_insert",
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
