"""The family → category tree, read once and cached: every page's navigation and
breadcrumbs, and the "this category and everything below it" filter of listings."""

import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from core import request_reads

from .models import Brand, Category, Family, Option, OptionValue

CACHE_KEY = (
    "catalog:tree:v3"  # v3: option values read on first use (Tree._options); an earlier release's tree is not read
)
VERSION_KEY = request_reads.shared("catalog:tree:version")
CACHE_SECONDS = 60 * 15


@dataclass
class Node:
    id: int
    name: str
    slug: str
    family_id: int
    parent_id: int | None
    url: str
    description: str = ""
    children: list["Node"] = field(default_factory=list)


@dataclass
class FamilyNode:
    id: int
    name: str
    slug: str
    icon: str
    url: str
    description: str = ""
    categories: list[Node] = field(default_factory=list)  # top-level categories


@dataclass
class ValueNode:
    id: int
    option_code: str
    option_name: str
    option_order: int
    slug: str
    value: str
    swatch: str
    order: int


@dataclass
class BrandNode:
    id: int
    slug: str
    name: str


@dataclass
class Tree:
    families: list[FamilyNode]
    categories: dict[int, Node]
    by_slug: dict[str, int]
    brands: dict[int, BrandNode] = field(default_factory=dict)  # active brands
    # What shoppers must not see, usually nothing: listings exclude these ids instead of
    # joining brands and categories to check is_active on every product row.
    hidden_category_ids: list[int] = field(default_factory=list)
    hidden_brand_ids: list[int] = field(default_factory=list)
    version: str = ""  # new on every build: names what was rendered from this tree (the menu)
    # The options and their values, read on first use (listings and product pages; the home page
    # and the menu never ask): kept beside the tree under its version (_options_of).
    _options: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def option_codes(self) -> list[str]:
        """The listing filters' parameter names (size, color, ...)."""
        return self._option_data()[0]

    @property
    def option_values(self) -> dict[int, "ValueNode"]:
        return self._option_data()[1]

    def _option_data(self) -> tuple:
        if self._options is None:
            self._options = _options_of(self.version)
        return self._options

    def family(self, family_id: int) -> FamilyNode | None:
        return next((f for f in self.families if f.id == family_id), None)

    def family_by_slug(self, slug: str) -> FamilyNode | None:
        return next((f for f in self.families if f.slug == slug), None)

    def descendant_ids(self, category_id: int) -> list[int]:
        """The category and every category below it."""
        ids, stack = [], [self.categories[category_id]]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.children)
        return ids

    def family_category_ids(self, family_id: int) -> list[int]:
        return [c.id for c in self.categories.values() if c.family_id == family_id]

    def brand_ids(self, slugs: list[str]) -> list[int]:
        wanted = set(slugs)
        return [brand.id for brand in self.brands.values() if brand.slug in wanted]

    def option_value_ids(self, code: str, slugs: list[str]) -> list[int]:
        wanted = set(slugs)
        return [v.id for v in self.option_values.values() if v.option_code == code and v.slug in wanted]

    def ancestors(self, category_id: int) -> list[Node]:
        chain, node = [], self.categories.get(category_id)
        while node is not None and node.parent_id is not None:
            node = self.categories.get(node.parent_id)
            if node is not None:
                chain.append(node)
        return list(reversed(chain))


def _build() -> Tree:
    families, categories, every_category_id = _families_and_categories()
    categories = _visible_categories(categories)
    _link(families, categories)
    brands, hidden_brand_ids = _brands()
    return Tree(
        families=families,
        categories=categories,
        by_slug={n.slug: n.id for n in categories.values()},
        brands=brands,
        hidden_category_ids=sorted(every_category_id - set(categories)),
        hidden_brand_ids=sorted(hidden_brand_ids),
        version=uuid.uuid4().hex[:12],
    )


def _families_and_categories() -> tuple[list[FamilyNode], dict[int, Node], set[int]]:
    """Active families, the active categories of active families, and the id of every category."""
    # Families and every category in one read (a family without categories comes as one row of NULLs).
    rows = Family.objects.order_by("order", "name", "categories__order", "categories__name").values(
        "id",
        "name",
        "slug",
        "icon",
        "description",
        "is_active",
        "categories__id",
        "categories__name",
        "categories__slug",
        "categories__parent_id",
        "categories__description",
        "categories__is_active",
    )
    families, categories, every_category_id = {}, {}, set()
    for row in rows:
        if row["is_active"] and row["id"] not in families:
            families[row["id"]] = FamilyNode(
                id=row["id"],
                name=row["name"],
                slug=row["slug"],
                icon=row["icon"],
                url=reverse("catalog:family", args=[row["slug"]]),
                description=row["description"],
            )
        if row["categories__id"] is None:
            continue
        every_category_id.add(row["categories__id"])
        if row["is_active"] and row["categories__is_active"]:
            categories[row["categories__id"]] = Node(
                id=row["categories__id"],
                name=row["categories__name"],
                slug=row["categories__slug"],
                family_id=row["id"],
                parent_id=row["categories__parent_id"],
                url=reverse("catalog:category", args=[row["categories__slug"]]),
                description=row["categories__description"],
            )
    return list(families.values()), categories, every_category_id


def _visible_categories(categories: dict[int, Node]) -> dict[int, Node]:
    """A category under a hidden parent is hidden with it."""
    visible = {cid: node for cid, node in categories.items() if node.parent_id is None or node.parent_id in categories}
    while len(visible) != len(categories):
        categories = visible
        visible = {cid: n for cid, n in categories.items() if n.parent_id is None or n.parent_id in categories}
    return visible


def _link(families: list[FamilyNode], categories: dict[int, Node]) -> None:
    """Each category under its parent, each top category under its family."""
    by_family = {f.id: f for f in families}
    for node in categories.values():
        if node.parent_id is not None:
            categories[node.parent_id].children.append(node)
        else:
            by_family[node.family_id].categories.append(node)


def _brands() -> tuple[dict[int, BrandNode], list[int]]:
    brands, hidden_brand_ids = {}, []
    for brand_id, slug, name, is_active in Brand.objects.values_list("id", "slug", "name", "is_active"):
        if is_active:
            brands[brand_id] = BrandNode(id=brand_id, slug=slug, name=name)
        else:
            hidden_brand_ids.append(brand_id)
    return brands, hidden_brand_ids


def _options_of(version: str) -> tuple[list[str], dict[int, ValueNode]]:
    """(option codes, option values by id) of the tree of this version, from the cache or one read."""
    key = f"{CACHE_KEY}:options:{version}"
    found = cache.get(key)
    if found is None:
        values = {
            v.id: ValueNode(
                id=v.id,
                option_code=v.option.code,
                option_name=v.option.name,
                option_order=v.option.order,
                slug=v.slug,
                value=v.value,
                swatch=v.swatch,
                order=v.order,
            )
            for v in OptionValue.objects.select_related("option")
        }
        # The filters' names, from the values read: an option with no value filters nothing.
        orders = {value.option_code: value.option_order for value in values.values()}
        found = (sorted(orders, key=lambda code: (orders[code], code)), values)
        cache.set(key, found, CACHE_SECONDS)
    return found


def catalog_tree(request=None) -> Tree:
    """The cached tree; with a request, read from the cache once for the whole request
    (the navigation context processor and the view both need it)."""
    tree = getattr(request, "_catalog_tree", None)
    if tree is None:
        tree = _cached_tree()
        if request is not None:
            request._catalog_tree = tree
    return tree


# The tree last read, per process, by version: while the version stored beside the tree names it, a request
# reads those few bytes instead of the whole tree. Nothing changes a tree once built.
_read_trees: dict[str, Tree] = {}


def _cached_tree() -> Tree:
    version = request_reads.read(VERSION_KEY)
    if version is not None and (tree := _read_trees.get(version)) is not None:
        return tree
    tree = cache.get(CACHE_KEY) if version is not None else None  # no version: none stored, or by an earlier release
    if tree is None:
        tree = _build()
        cache.set_many({CACHE_KEY: tree, VERSION_KEY: tree.version}, CACHE_SECONDS)
        request_reads.remember(VERSION_KEY, tree.version)
    elif tree.version != version:
        return tree  # replaced between the two reads: not kept
    _read_trees.clear()
    _read_trees[tree.version] = tree
    return tree


@receiver([post_save, post_delete], sender=Brand, dispatch_uid="catalog.tree.brand")
@receiver([post_save, post_delete], sender=Family, dispatch_uid="catalog.tree.family")
@receiver([post_save, post_delete], sender=Category, dispatch_uid="catalog.tree.category")
@receiver([post_save, post_delete], sender=Option, dispatch_uid="catalog.tree.option")
@receiver([post_save, post_delete], sender=OptionValue, dispatch_uid="catalog.tree.optionvalue")
def invalidate(**kwargs) -> None:
    cache.delete_many([VERSION_KEY, CACHE_KEY])
    request_reads.forget(VERSION_KEY)
