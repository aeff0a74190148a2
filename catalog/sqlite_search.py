"""SQLite full-text search for products (the embedded default); nothing happens on PostgreSQL,
which has its own search vector (migration 0002_postgres_search).

- catalog_product_fts (migration 0008): an FTS5 index, rowid = product id, with the columns that
  catalog.search weights by bm25 (name, sku, brand, category + family, description), tokenized by
  unicode61 without diacritics, so "audifonos" finds "Audífonos"; catalog_product_fts_terms
  (fts5vocab) holds its words for typo correction.
- Triggers keep it current on every insert, update and delete of a product, bulk ones included
  (the demo loader uses bulk_create), and when a brand, category or family is renamed.

The triggers are not part of a migration: they read catalog_brand, catalog_category and
catalog_family, and SQLite refuses to rebuild one of those tables (what Django does for many
schema changes there) while a trigger names it. So they are dropped before `migrate` and
installed again after it, with the index rebuilt in case a migration moved products meanwhile.
"""

from django.db import connections

PRODUCT_ROW = """
  SELECT NEW.id, NEW.name, NEW.base_sku,
    coalesce((SELECT b.name FROM catalog_brand b WHERE b.id = NEW.brand_id), ''),
    coalesce((SELECT c.name || ' ' || f.name FROM catalog_category c JOIN catalog_family f ON f.id = c.family_id
              WHERE c.id = NEW.category_id), ''),
    coalesce(NEW.description, '');
"""

TRIGGERS = {
    "catalog_product_fts_insert": f"""CREATE TRIGGER catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN
          INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description) {PRODUCT_ROW}
        END""",
    "catalog_product_fts_update": f"""CREATE TRIGGER catalog_product_fts_update
          AFTER UPDATE OF name, description, base_sku, brand_id, category_id ON catalog_product BEGIN
          DELETE FROM catalog_product_fts WHERE rowid = OLD.id;
          INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description) {PRODUCT_ROW}
        END""",
    "catalog_product_fts_delete": """CREATE TRIGGER catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN
         DELETE FROM catalog_product_fts WHERE rowid = OLD.id;
       END""",
    # Renaming a brand, category or family rewrites its products' rows (the update trigger above).
    "catalog_brand_fts": """CREATE TRIGGER catalog_brand_fts AFTER UPDATE OF name ON catalog_brand
         WHEN OLD.name IS NOT NEW.name BEGIN
         UPDATE catalog_product SET name = name WHERE brand_id = NEW.id;
       END""",
    "catalog_category_fts": """CREATE TRIGGER catalog_category_fts AFTER UPDATE OF name, family_id ON catalog_category
         WHEN OLD.name IS NOT NEW.name OR OLD.family_id IS NOT NEW.family_id BEGIN
         UPDATE catalog_product SET name = name WHERE category_id = NEW.id;
       END""",
    "catalog_family_fts": """CREATE TRIGGER catalog_family_fts AFTER UPDATE OF name ON catalog_family
         WHEN OLD.name IS NOT NEW.name BEGIN
         UPDATE catalog_product SET name = name
          WHERE category_id IN (SELECT id FROM catalog_category WHERE family_id = NEW.id);
       END""",
}

REBUILD = [
    "DELETE FROM catalog_product_fts",
    """INSERT INTO catalog_product_fts(rowid, name, sku, brand, category, description)
       SELECT p.id, p.name, p.base_sku, coalesce(b.name, ''), coalesce(c.name || ' ' || f.name, ''),
              coalesce(p.description, '')
         FROM catalog_product p
         LEFT JOIN catalog_brand b ON b.id = p.brand_id
         LEFT JOIN catalog_category c ON c.id = p.category_id
         LEFT JOIN catalog_family f ON f.id = c.family_id""",
]


def _index_exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_product_fts'")
    return cursor.fetchone() is not None


def drop_triggers(*, using: str = "default", **kwargs) -> None:
    """pre_migrate: out of the way of table rebuilds."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_triggers_and_rebuild(*, using: str = "default", **kwargs) -> None:
    """post_migrate (also sent after `flush`): the triggers back and the index matching the products."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if not _index_exists(cursor):  # migrated back before 0008
            return
        for name, create in TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(create)
        for statement in REBUILD:
            cursor.execute(statement)
