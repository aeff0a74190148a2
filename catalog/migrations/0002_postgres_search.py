"""PostgreSQL full-text and trigram search for products; nothing happens on SQLite,
where search falls back to a portable query (catalog.search).

- spanish_unaccent: the Spanish stemmer after unaccent, so "grafica" finds "gráfica".
- A trigger keeps catalog_product.search_vector (name and SKU A, brand B, category and
  family C, description D) and search_name (unaccented name + brand) current on every
  insert and update, bulk ones included; renaming a brand, category or family refreshes
  its products.
- The same trigger adds the words of those names to catalog_searchterm, a small lexicon
  with a trigram index: a misspelt word is corrected against it ("zapatilas" →
  "zapatillas") and full-text search runs again with the correction.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

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


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
