"""Product search.

On PostgreSQL: weighted full-text search (spanish_unaccent: "grafica" finds "gráfica",
"sillas" finds "silla") through the GIN index. When nothing matches, each word is
corrected against catalog_searchterm, the lexicon of words in product, brand, category
and family names, by trigram similarity ("zapatilas" → "zapatillas"), and the search
runs again with the correction, which the page shows.

On SQLite (the embedded default): the FTS5 index catalog_product_fts (migration
0008_sqlite_search_index, triggers in catalog.sqlite_search), tokenized without diacritics, ranked by bm25 with the same
weights (name and SKU > brand > category > description). Every word must match; a word
is reduced to a light Spanish stem and matched in its singular and plural, masculine and
feminine forms ("zapatilla" and "zapatillas" both find "Zapatillas", "ergonomicas" finds
"ergonómica"), and Spanish stop words are
dropped, as PostgreSQL's Spanish configuration does. Typos are corrected with the same
trigram similarity as pg_trgm against the words of names, brands and categories (the
index's own vocabulary, so it is always in step). The trigram tokenizer cannot strip
accents before SQLite 3.45, hence the comparison in Python over that small vocabulary.
"""

import json
import re
import unicodedata
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from core.compiled_query import OneOf

from .listing import RankedRows
from .models import Product, launch_awaited

MAX_QUERY_LENGTH = 100
# Where a query is echoed (headings, "no results"), at most this much of it: a long one is cut with …
ECHOED_QUERY_LENGTH = 60
MAX_WORDS = 8
SEARCH_CONFIG = "spanish_unaccent"
RELEVANCE = ("-relevance", "-units_sold", "-pk")
POPULARITY = ("-units_sold", "-pk")
SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default similarity_threshold
# bm25 column weights of catalog_product_fts: name, sku, brand, category, description
# (PostgreSQL's setweight A, A, B, C, D).
FTS_WEIGHTS = (10.0, 10.0, 4.0, 2.0, 1.0)
SPANISH_STOP_WORDS = frozenset(
    "a al con de del e el en la las lo los o para por sin su sus u un una unos unas y".split()
)


# A search lists at most this many matches: its best-selling ones, ranked by relevance among
# themselves, and the page says so. Its facets, ranking and pages then cost the same whether a word
# matches a thousand products or a hundred thousand (issue 50: a 500,000-product catalog).
MAX_MATCHES = 1000


class SearchResult(NamedTuple):
    matches: QuerySet
    ordering: tuple
    corrected: str | None  # the query actually searched, when a typo was corrected
    searched: str = ""  # the normalized words searched (names the result set, e.g. for caching)
    capped: bool = False  # more than MAX_MATCHES matched: matches holds the best-selling MAX_MATCHES
    # The matches' ids in `ordering`'s order when the search read their ranks already (PostgreSQL: with
    # the matches themselves), so that the listing need not rank them again; None otherwise.
    ranked: list[int] | None = None


def normalize(text: str) -> str:
    """Lower-case, accents stripped, punctuation folded to spaces, trimmed to a sane length."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s\-]", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH]


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def correct_spelling(query: str) -> str:
    """Replace each word by the closest catalog word (itself when it is one)."""
    words = query.split()[:MAX_WORDS]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(
                (SELECT t.word FROM catalog_searchterm t
                  WHERE length(q.term) >= 3 AND t.word %% q.term
                  ORDER BY similarity(t.word, q.term) DESC, t.word LIMIT 1),
                q.term)
            FROM unnest(%s::text[]) WITH ORDINALITY AS q(term, n)
            ORDER BY q.n
            """,
            [words],
        )
        return " ".join(row[0] for row in cursor.fetchall())


def search_products(products: QuerySet, raw_query: str) -> SearchResult:
    """Narrow products to matches of raw_query, with the relevance ordering to list them by."""
    query = normalize(raw_query)
    if not query:
        return SearchResult(products.none(), POPULARITY, None, "")
    full_text, correct = (_full_text, correct_spelling) if _on_postgresql() else (_sqlite_full_text, _sqlite_correct)
    matches, ordering = full_text(products, query)
    found = _first_matches(products, matches, query)
    if found:
        return _bounded(products, query, found, None, ordering)
    corrected = correct(query)
    if corrected != query:
        matches, ordering = full_text(products, corrected)
        found = _first_matches(products, matches, corrected)
        return (
            _bounded(products, corrected, found, corrected, ordering)
            if found
            else SearchResult(matches, ordering, corrected, corrected)
        )
    return SearchResult(matches, ordering, None, query)


# PostgreSQL: how many of the best-selling products a search looks through for its matches, at most, and
# when it cannot tell how common its words are.
WALK = 20_000
WALK_MAX = 100_000
# How far the walk goes past what its words' share says it needs (a few words together match fewer
# products than the least common of them).
WALK_MARGIN = 2
# A match read through the GIN index (a heap row fetched at random, then sorted) costs about this many
# products walked in popularity order (measured on 500,000 products: 2-3 µs against 0.6-0.9 µs).
MATCH_READ_COST = 3

# How many products to walk: enough to find MAX_MATCHES + 1 matches at the share of products holding
# the query's least common word (PostgreSQL's own statistics of the search vectors: ANALYZE keeps the
# shares of the most common lexemes), or none when reading every match through the GIN index costs
# less (a word outside those statistics is rarer than any in them); WALK when there are no statistics.
_WALK_LENGTH = """
    SELECT CASE
        WHEN min(found.share) IS NULL THEN %s
        WHEN min(found.share) = 0 OR %s * %s / min(found.share) > %s * min(found.share) * max(size.rows) THEN 0
        ELSE least(%s, greatest(%s, ceil(%s * %s / min(found.share))))::bigint
    END
    FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) AS term(lexeme)
    CROSS JOIN (
        SELECT most_common_elems::text::text[] AS lexemes, most_common_elem_freqs AS shares
        FROM pg_stats
        WHERE schemaname = current_schema() AND tablename = 'catalog_product' AND attname = 'search_vector'
    ) stats
    CROSS JOIN (SELECT reltuples AS rows FROM pg_class WHERE oid = 'catalog_product'::regclass) size
    CROSS JOIN LATERAL (SELECT coalesce(stats.shares[array_position(stats.lexemes, term.lexeme)], 0) AS share) found
"""


def _walk_length_params(query: str) -> list:
    """_WALK_LENGTH's parameters, in the order they appear in it."""
    wanted = MAX_MATCHES + 1
    return [WALK, WALK_MARGIN, wanted, MATCH_READ_COST, WALK_MAX, WALK, WALK_MARGIN, wanted, SEARCH_CONFIG, query]


class _Match(NamedTuple):
    pk: int
    units_sold: int
    relevance: float | None  # PostgreSQL's ts_rank, as the listing's RELEVANCE ordering reads it; None on SQLite


def _first_matches(products: QuerySet, matches: QuerySet, query: str) -> list[_Match]:
    """The best-selling MAX_MATCHES + 1 matches (one more tells that there are more), in popularity
    order. On PostgreSQL, one query: the best-selling products are read through the popularity index
    and matched, as many as _WALK_LENGTH says (none for rare words); only when fewer than MAX_MATCHES + 1
    match among them are all the matches read (through the GIN index) and sorted. The kept ones are
    ranked in the same query, their rows fetched again by id (carried through the sort, 11,000 matches'
    search vectors cost more than that); ranked in a query of their own, they were read and ordered
    again. (Left to itself the planner takes the GIN index whenever it expects few matches, and it
    expects an AND of words that go together, "silla de oficina", to match several times fewer products
    than it does.)"""
    first = matches.order_by(*POPULARITY).values_list("pk", "units_sold")[: MAX_MATCHES + 1]
    if not _on_postgresql():
        return [_Match(pk, sold, None) for pk, sold in first]
    walk_sql, walk_params = (
        products.order_by(*POPULARITY).values_list("pk", "units_sold", "search_vector").query.sql_with_params()
    )
    first_sql, first_params = first.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH walk AS MATERIALIZED (
                SELECT w.pk, w.units_sold FROM ({walk_sql} LIMIT ({_WALK_LENGTH})) w
                 WHERE w.search_vector @@ websearch_to_tsquery(%s::regconfig, %s)
                 ORDER BY w.units_sold DESC, w.pk DESC LIMIT %s),
            found AS (
                SELECT pk, units_sold FROM walk
                UNION
                SELECT f.pk, f.units_sold FROM ({first_sql}) f WHERE (SELECT count(*) FROM walk) <= %s)
            SELECT found.pk, found.units_sold, ts_rank(p.search_vector, websearch_to_tsquery(%s::regconfig, %s))
              FROM found JOIN {Product._meta.db_table} p ON p.id = found.pk
            """,
            [
                *walk_params,
                *_walk_length_params(query),
                SEARCH_CONFIG,
                query,
                MAX_MATCHES + 1,
                *first_params,
                MAX_MATCHES,
                SEARCH_CONFIG,
                query,
            ],
        )
        rows = sorted(cursor.fetchall(), key=lambda row: (-row[1], -row[0]))
    return [_Match(*row) for row in rows[: MAX_MATCHES + 1]]


def _bounded(
    products: QuerySet, query: str, found: list[_Match], corrected: str | None, ordering: tuple
) -> SearchResult:
    """The matches as the products of those ids: the page's queries (facets, cards) read them by primary
    key, without matching the text again row by row, and on PostgreSQL their ranking is the one read
    with them (RELEVANCE). On SQLite the ordering is the bm25 ranking already read for every match, not
    read a second time."""
    kept = found[:MAX_MATCHES]
    within = [match.pk for match in kept]
    ranked = None
    if _on_postgresql():
        matches, ordering = _full_text(products, query, within=within)
        ranked = [match.pk for match in sorted(kept, key=lambda m: (-(m.relevance or 0), -m.units_sold, -m.pk))]
    else:
        matches = products.filter(OneOf("pk", within))
    return SearchResult(matches, ordering, corrected, query, capped=len(found) > MAX_MATCHES, ranked=ranked)


# --- SQLite: FTS5 ---------------------------------------------------------------------------


INFLECTIONS = ("", "a", "o", "e", "s", "as", "os", "es")


def _stem(word: str) -> str:
    """A light Spanish stem: plural endings, then a final vowel
    (zapatillas → zapatill, audífonos → audifon, ergonómica → ergonomic)."""
    if word.endswith("es") and len(word) > 5 and word[-3] not in "aeiou":
        word = word[:-2]  # relojes → reloj, colores → color
    elif word.endswith("s"):
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aeo":
        word = word[:-1]
    return word


def _word_forms(word: str) -> str:
    """One FTS5 term for a word and its forms: 'zapatilla' → zapatill, zapatilla, zapatillas..."""
    if not word.isalpha() or len(word) < 4:
        return f'"{word}"'
    stem = _stem(word)
    return "(" + " OR ".join(f'"{stem}{ending}"' for ending in INFLECTIONS) + ")"


def _match_expression(query: str) -> str:
    """An FTS5 query: every (non stop) word in one of its forms; words are [a-z0-9] only, quoted."""
    words = [w for w in re.split(r"[^a-z0-9]+", query) if w][:MAX_WORDS]
    kept = [w for w in words if w not in SPANISH_STOP_WORDS] or words
    return " AND ".join(_word_forms(word) for word in kept)


def _sqlite_full_text(products: QuerySet, query: str) -> tuple[QuerySet, tuple]:
    expression = _match_expression(query)
    if not expression:
        return products.none(), POPULARITY
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    # bm25 is read once, for every match, in one index scan; the listing is then ordered by
    # each row's place in that ranking. (bm25 in a per-row subquery would run the full-text
    # query again for every row: a second for a few hundred matches.)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM catalog_product_fts WHERE catalog_product_fts MATCH %s"
            f" ORDER BY bm25(catalog_product_fts, {weights})",
            [expression],
        )
        places = {str(row[0]): place for place, row in enumerate(cursor.fetchall())}
    matching_ids = RawSQL("SELECT rowid FROM catalog_product_fts WHERE catalog_product_fts MATCH %s", (expression,))
    place = RawSQL("""json_extract(%s, '$."' || "catalog_product"."id" || '"')""", (json.dumps(places),))
    return products.filter(pk__in=matching_ids), (place.asc(), *POPULARITY)


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def _closest(term: str, lexicon: set[str]) -> str:
    if len(term) < 3 or term in lexicon:
        return term
    scored = [(similarity(word, term), word) for word in lexicon]
    close = [(-score, word) for score, word in scored if score >= SIMILARITY_THRESHOLD]
    return min(close)[1] if close else term  # most similar, then alphabetical, as on PostgreSQL


def _sqlite_correct(query: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT term FROM catalog_product_fts_terms"
            " WHERE col IN ('name', 'brand', 'category') AND length(term) BETWEEN 3 AND 80"
        )
        lexicon = {row[0] for row in cursor.fetchall()}
    return " ".join(_closest(term, lexicon) for term in query.split()[:MAX_WORDS])


def _full_text(products: QuerySet, query: str, within: list[int] | None = None) -> tuple[QuerySet, tuple]:
    """The matches of query; `within`: the ids already found to match (read by primary key)."""
    text_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    matches = products.filter(search_vector=text_query) if within is None else products.filter(OneOf("pk", within))
    return matches.annotate(relevance=SearchRank(F("search_vector"), text_query)), RELEVANCE


def suggest(products: QuerySet, raw_query: str, *, limit: int = 6) -> list[dict]:
    """A handful of names for the search box while the shopper types, each with the price the
    shopper pays (after the automatic discount, as every page shows it) unless the price is still
    secret (then price is None and price_is_secret True)."""
    if len(normalize(raw_query)) < 2:
        return []
    result = search_products(products, raw_query)
    shown = result.matches.only("name", "slug", "sale_price").annotate(price_reveal_at=launch_awaited(OuterRef("pk")))
    if result.ranked is not None:
        found = RankedRows(result.ranked, shown)[:limit]
    else:
        found = list(shown.order_by(*result.ordering)[:limit])
    return [
        {
            "name": product.name,
            "slug": product.slug,
            "price_is_secret": product.price_is_secret,
            "price": None if product.price_is_secret else product.sale_price,
        }
        for product in found
    ]
