from .search import ECHOED_QUERY_LENGTH, MAX_QUERY_LENGTH
from .tree import catalog_tree


def navigation(request) -> dict:
    """Families and their top categories for the header menu (cached: no query on a warm cache).
    The rendered menu is cached too, per tree version, language and highlighted family."""
    tree = catalog_tree(request)
    current = next((family.url for family in tree.families if family.url == request.path), "")
    return {
        "nav_families": tree.families,
        "nav_version": tree.version,
        "nav_current": current,
        # The search box takes what the search reads; pages echo at most echoed_query_length of it.
        "search_max_length": MAX_QUERY_LENGTH,
        "echoed_query_length": ECHOED_QUERY_LENGTH,
        # What the box shows: the template's `request.GET.q|default:''|slice:…` cost about 60 µs a page
        # (a failed lookup is an exception caught twice when the address has no q).
        "search_box_value": request.GET.get("q", "")[:MAX_QUERY_LENGTH],
    }
