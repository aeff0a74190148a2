from .tree import catalog_tree


def navigation(request) -> dict:
    """Families and their top categories for the header menu (cached: no query on a warm cache)."""
    return {"nav_families": catalog_tree(request).families}
