"""Product search.

On PostgreSQL: weighted full-text search (spanish_unaccent: "grafica" finds "gráfica",
"sillas" finds "silla") through the GIN index. When nothing matches, each word is
corrected against catalog_searchterm, the lexicon of words in product, brand, category
and family names, by trigram similarity ("zapatilas" → "zapatillas"), and the search
runs again with the correction, which the page shows. Elsewhere (SQLite): every word
must appear in the name, brand, category, description or SKU.
"""

import re
import unicodedata
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
SEARCH_CONFIG = "spanish_unaccent"
RELEVANCE = ("-relevance", "-units_sold", "-pk")
POPULARITY = ("-units_sold", "-pk")


class SearchResult(NamedTuple):
    matches: QuerySet
    ordering: tuple
    corrected: str | None  # the query actually searched, when a typo was corrected
    searched: str = ""  # the normalized words searched (names the result set, e.g. for caching)


def normalize(text: str) -> str:
    """Lower-case, accents stripped, punctuation folded to spaces, trimmed to a sane length."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s\-]", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH]


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _full_text(products: QuerySet, query: str) -> QuerySet:
    text_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return products.filter(search_vector=text_query).annotate(relevance=SearchRank(F("search_vector"), text_query))


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
    if _on_postgresql():
        matches = _full_text(products, query)
        if matches.exists():
            return SearchResult(matches, RELEVANCE, None, query)
        corrected = correct_spelling(query)
        if corrected != query:
            return SearchResult(_full_text(products, corrected), RELEVANCE, corrected, corrected)
        return SearchResult(matches, RELEVANCE, None, query)
    condition = Q()
    for word in query.split()[:MAX_WORDS]:
        condition &= (
            Q(name__icontains=word) | Q(brand__name__icontains=word) | Q(category__name__icontains=word)
            | Q(description__icontains=word) | Q(base_sku__icontains=word)
        )
    return SearchResult(products.filter(condition), POPULARITY, None, query)


def suggest(products: QuerySet, raw_query: str, *, limit: int = 6) -> list[dict]:
    """A handful of names for the search box while the shopper types."""
    if len(normalize(raw_query)) < 2:
        return []
    result = search_products(products, raw_query)
    return list(result.matches.order_by(*result.ordering).values("name", "slug", "base_price")[:limit])
