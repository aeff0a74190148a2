"""Load (or reload) the demo catalog: families, categories, brands, options, product
lines, products with variants and pictures, kits, collections and banners.

The work happens in three steps so the database is locked only for the inserts:

1. plan: every product is drafted in memory from ``random.Random(seed)`` (same seed,
   same names, SKUs and prices);
2. pictures: the few hundred distinct files the catalog needs (a pool per silhouette,
   colour and angle, shared by many products) are drawn and saved through
   ``default_storage`` unless a previous load already saved them;
3. one transaction: the optional reset, then bulk inserts in batches.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import random
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from catalog import listing_cache, tree
from catalog.models import (
    Banner,
    Brand,
    BundleComponent,
    Category,
    Collection,
    CollectionItem,
    Family,
    Kit,
    KitItem,
    Option,
    OptionValue,
    PriceHistory,
    Product,
    ProductImage,
    ProductLine,
    ProductOptionValue,
    ScheduledPrice,
    SearchTerm,
    Variant,
)
from catalog.renditions import renditions_make, renditions_store
from catalog.services import product_facets_rebuild, variants_create

from . import data as d
from . import images
from .products import FAMILY_OF, PLAN, SKU_PREFIX, LineDraft, ProductDraft, retail

DEFAULT_PRODUCTS = 400
DEFAULT_SEED = 2026
MAX_PRODUCTS = 500_000
MARKER_FAMILY = "tecnologia"
BATCH = 2000
PARALLEL_IMAGES = 48  # draw in worker processes from this many missing files on
IMAGE_VERSION = "v1"  # bump when the drawings change, so old files are not reused
DAY = 86_400
DROP_LAUNCH_HOUR = 19  # Lima time: after work and school, when a drop's buyers are online


class DemoCatalogError(Exception):
    """The demo catalog cannot be loaded as asked (bad arguments, rows that block a reset)."""


def load_demo_catalog(*, products: int, seed: int, reset: bool = False, progress: bool = True) -> dict:
    """Load the demo catalog and return counts of what the catalog holds afterwards.

    The result has ``created`` False when the catalog was already there and ``reset``
    was not asked for; nothing is changed in that case.
    """
    if isinstance(products, bool) or not isinstance(products, int) or products < 1:
        raise DemoCatalogError(f"The number of products must be a whole number of at least 1 (got {products!r}).")
    if products > MAX_PRODUCTS:
        raise DemoCatalogError(f"At most {MAX_PRODUCTS:,} products can be generated (got {products:,}).")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise DemoCatalogError(f"The seed must be a whole number (got {seed!r}).")
    if not reset and demo_catalog_exists():
        return {"created": False, **catalog_counts()}

    now = timezone.now()
    plan = Planner(products=products, seed=seed, now=now).plan()
    image_files = save_images(plan, progress=progress)
    try:
        with transaction.atomic():
            if reset:
                delete_catalog()
            elif demo_catalog_exists():  # loaded by someone else meanwhile
                return {"created": False, **catalog_counts()}
            Writer(plan, now=now, progress=progress).write()
            product_facets_rebuild()  # once, after the bulk inserts
            transaction.on_commit(_forget_cached_catalog)
    except IntegrityError as error:
        raise DemoCatalogError(
            "The catalog already holds rows that clash with the demo catalog (a category, product slug or SKU "
            f"with the same name); nothing was loaded. Use --reset to replace the whole catalog. ({error})"
        ) from error
    _refresh_planner_statistics()
    return {"created": True, **catalog_counts(), "image_files": image_files}


def _forget_cached_catalog() -> None:
    tree.invalidate()
    listing_cache.bump()


def _refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL's row estimates are stale until autovacuum runs, and
    listing and search queries pick sequential scans. (Inside a test transaction VACUUM
    cannot run; ANALYZE still can.)"""
    if connection.vendor != "postgresql":
        return
    models = (
        Product,
        Variant,
        Variant.option_values.through,
        ProductImage,
        PriceHistory,
        SearchTerm,
        ProductOptionValue,
    )
    with connection.cursor() as cursor:
        for model in models:
            # VACUUM also sets the visibility map, which index-only scans need.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f'{verb} "{model._meta.db_table}"')


def demo_catalog_exists() -> bool:
    return Family.objects.filter(slug=MARKER_FAMILY).exists()


def catalog_counts() -> dict:
    return {
        "families": Family.objects.count(),
        "categories": Category.objects.count(),
        "brands": Brand.objects.count(),
        "lines": ProductLine.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "images": ProductImage.objects.count(),
        "kits": Kit.objects.count(),
        "collections": Collection.objects.count(),
        "banners": Banner.objects.count(),
        "price_history": PriceHistory.objects.count(),
    }


# --- reset ----------------------------------------------------------------------------


@contextmanager
def _history_disabled() -> Iterator[None]:
    """Deleting the demo catalog is not an edit worth one history row per product."""
    missing = object()
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is missing:
            del settings.SIMPLE_HISTORY_ENABLED  # type: ignore[misc]  # simple-history's, not in our settings
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


def delete_catalog() -> None:
    """Delete every catalog row, children first. Call inside a transaction.

    Price history is append-only and protects variants, so it goes first. A table that
    only the catalog's own (already emptied) tables point at is emptied with one DELETE;
    if rows of other apps point at it, the ORM deletes it instead, so their CASCADE and
    PROTECT rules apply: an order line protecting a variant, say, stops the reset with
    DemoCatalogError.
    """
    try:
        for model in (
            PriceHistory,
            ScheduledPrice,
            BundleComponent,
            CollectionItem,
            Collection,
            KitItem,
            Kit,
            Banner,
            ProductImage,
            Variant.option_values.through,
            Variant,
            Product,
            Product.history.model,
            ProductLine,
            OptionValue,
            Option,
            Brand,
            Category,
            Family,
        ):
            _empty(model)
    except ProtectedError as error:
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise DemoCatalogError(
            "The catalog cannot be reset: other records still point at it (" + ", ".join(blockers) + ")."
        ) from error


def _empty(model) -> None:
    manager = model._base_manager
    referenced = any(
        field.related_model is not model and field.related_model._base_manager.exists()
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    )
    if not referenced:
        # Nothing outside this table points at its rows (self references go with them): one statement,
        # and no per-row signals (a deleted demo product is not worth a history row).
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    elif model is Category:
        while manager.exists():  # a category protects its children
            manager.filter(children__isnull=True).delete()
    else:
        with _history_disabled():
            manager.all().delete()


# --- planning ----------------------------------------------------------------------------------


@dataclass
class PictureDraft:
    name: str  # storage name of the pooled file
    variant_index: int | None
    alt: str


@dataclass
class KitDraft:
    slug: str
    name: str
    room: str
    discount: Decimal
    tags: list[str]
    description: str
    cover: str
    items: list[tuple[ProductDraft, int, bool]]


@dataclass
class CollectionDraft:
    slug: str
    name: str
    type: str
    starts: timedelta
    ends: timedelta | None
    description: str
    hero: str
    products: list[ProductDraft]


@dataclass
class BannerDraft:
    title: str
    subtitle: str
    button: str
    target: str
    starts: timedelta | None
    ends: timedelta | None
    desktop: str
    mobile: str
    order: int


@dataclass
class Plan:
    products: list[ProductDraft]
    pictures: list[list[PictureDraft]]
    lines: list[LineDraft]
    brands: list[str]
    kits: list[KitDraft]
    collections: list[CollectionDraft]
    banners: list[BannerDraft]
    # storage name -> (drawing, arguments, format), see images.render
    files: dict[str, tuple[str, tuple, str]]


def _pool_name(kind: str, color_hex: str, variation: int) -> str:
    return f"products/demo/{IMAGE_VERSION}/{kind}-{color_hex.lstrip('#').lower()}-{variation}.jpg"


class Planner:
    def __init__(self, *, products: int, seed: int, now):
        self.count = products
        # One stream per phase, so that e.g. the month (which picks the seasonal collection) never
        # shifts the products: the same seed and count always give the same names, SKUs and prices.
        self.r = random.Random(seed)
        self.r_shop = random.Random(f"{seed}:commerce")
        self.r_pick = random.Random(f"{seed}:showcase")
        self.r_pics = random.Random(f"{seed}:pictures")
        self.now = now
        self.used_names: set[str] = set()
        self.used_slugs: set[str] = set()
        self.exhausted: dict[str, int] = defaultdict(int)
        self.files: dict[str, tuple] = {}

    def plan(self) -> Plan:
        drafts = [self._draft(i) for i in range(self.count)]
        for draft in drafts:
            self._commerce(draft)
        upcoming_ids: set[int] = set()
        collections = self._collections(drafts, upcoming_ids)
        kits = self._kits(drafts, upcoming_ids)
        banners = self._banners()
        pictures = [self._pictures(draft) for draft in drafts]
        lines = self._lines(drafts)
        brands = sorted({draft.brand for draft in drafts})
        for brand in brands:
            name = f"brands/demo/{IMAGE_VERSION}/{slugify(brand)}.png"
            color = next(c for b, _, c, _ in d.BRANDS if b == brand)
            self.files[name] = ("logo", (brand, color), "PNG")
        return Plan(drafts, pictures, lines, brands, kits, collections, banners, self.files)

    # products

    def _draft(self, index: int) -> ProductDraft:
        r = self.r
        if index < len(PLAN):  # the first products cover every leaf category once
            category, _, generator, _ = PLAN[index]
        else:
            category, _, generator, _ = r.choices(PLAN, weights=[w for _, w, _, _ in PLAN])[0]
        # Draw again when the name is taken; a category that keeps running out of names gets fewer tries.
        for _ in range(16 if self.exhausted[category] < 10 else 2):
            draft = generator(r)
            if draft.name not in self.used_names:
                break
        else:
            self.exhausted[category] += 1
            draft.name = self._distinct_name(draft)
        self.used_names.add(draft.name)
        draft.seq = index + 1
        draft.base_sku = f"{SKU_PREFIX[category]}-{d.BRAND_CODES[draft.brand]}-{draft.seq:06d}"
        slug = slugify(draft.name)[:200].strip("-") or "producto"
        if slug in self.used_slugs:
            slug = f"{slug}-{draft.seq}"
        self.used_slugs.add(slug)
        draft.slug = slug
        return draft

    def _distinct_name(self, draft: ProductDraft) -> str:
        """A big catalog runs out of model names: add what real listings add, an edition or a model code."""
        family = FAMILY_OF[draft.category]
        suffixes = {"hogar": [" II", " III", " IV", " Plus", " Lux"], "moda": [" Vol. 2", " Vol. 3", " Vol. 4"]}
        for suffix in suffixes.get(family, []):
            if draft.name + suffix not in self.used_names:
                return draft.name + suffix
        while True:
            code = f"{d.BRAND_CODES[draft.brand]}-{self.r.randint(100, 999)}{self.r.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            name = f"{draft.name} (modelo {code})"
            if name not in self.used_names:
                return name

    def _commerce(self, draft: ProductDraft) -> None:
        """Status, flags, list price, age and popularity."""
        r = self.r_shop
        roll = r.random()
        draft.status = "draft" if roll < 0.03 else "inactive" if roll < 0.05 else "active"
        draft.age_seconds = r.randint(0, 365 * DAY)
        age_days = draft.age_seconds / DAY
        draft.is_new = age_days < 36
        draft.is_featured = draft.status == "active" and r.random() < 0.05
        if r.random() < 0.30:
            compare = retail(float(draft.price) * r.uniform(1.08, 1.40))
            draft.compare_at = compare if compare > draft.price else draft.price + Decimal("10.00")
        # Appeal only picks what the kits show off. Units sold and ratings are never invented:
        # they come from the demo orders and reviews written through their services (the
        # draws are kept so the seeded catalog stays the same).
        if draft.status == "draft" or r.random() < 0.18:
            popularity = 0
        else:
            popularity = int((r.paretovariate(1.16) - 1) * 25 * min(1.0, 0.15 + age_days / 90))
            popularity = min(popularity, 2500)
        if popularity:
            r.gauss(4.4, 0.25 + 0.8 / (popularity**0.5))
        sold = popularity * r.randint(8, 30) + r.randint(0, 25) if draft.status != "draft" else 0
        draft.appeal = sold // 2 if draft.status == "inactive" else sold

    def _lines(self, drafts: list[ProductDraft]):
        lines: dict[str, LineDraft] = {}
        for draft in drafts:
            if draft.line is not None:
                lines.setdefault(draft.line.name, draft.line)
        return list(lines.values())

    def _pictures(self, draft: ProductDraft) -> list[PictureDraft]:
        """2-3 shots in the main colour, then one per other colour, tied to its first variant."""
        colors: list[tuple[str, int]] = []
        seen = set()
        for index, variant in enumerate(draft.variants):
            color = variant.color()
            if color and color not in seen:
                seen.add(color)
                colors.append((color, index))
        main_color = colors[0][0] if colors else None
        main_hex = d.COLORS[main_color] if main_color else draft.look
        shots = [0, 1] + ([2] if self.r_pics.random() < 0.5 else [])
        pictures = []
        for variation in shots:
            name = self._pool(draft.kind, main_hex, variation)
            alt = draft.name + (f", color {main_color.lower()}" if main_color else "")
            pictures.append(PictureDraft(name, None, alt if variation == 0 else f"{alt} (vista {variation + 1})"))
        for color, index in colors[1:]:
            name = self._pool(draft.kind, d.COLORS[color], 0)
            pictures.append(PictureDraft(name, index, f"{draft.name}, color {color.lower()}"))
        return pictures

    def _pool(self, kind: str, color_hex: str, variation: int) -> str:
        name = _pool_name(kind, color_hex, variation)
        if name not in self.files:
            self.files[name] = ("product", (kind, color_hex, variation), "JPEG")
        return name

    # kits, collections, banners

    def _by_category(self, drafts, excluded: set[int]) -> dict[str, list[ProductDraft]]:
        groups: dict[str, list[ProductDraft]] = defaultdict(list)
        for draft in drafts:
            if draft.seq not in excluded and draft.status != "draft":
                groups[draft.category].append(draft)
        return groups

    @staticmethod
    def _showcase(draft: ProductDraft) -> None:
        """Products a kit, drop or banner points at must be on sale."""
        draft.status = "active"

    def _collections(self, drafts: list[ProductDraft], upcoming: set[int]) -> list[CollectionDraft]:
        r = self.r_pick
        taken: set[int] = set()
        result = []
        season_key = {
            12: "verano",
            1: "verano",
            2: "verano",
            3: "verano",
            4: "otono",
            5: "otono",
            6: "invierno",
            7: "invierno",
            8: "invierno",
            9: "invierno",
            10: "primavera",
            11: "verano",
        }[timezone.localtime(self.now).month]
        title, text, categories, look, color = d.SEASONS[season_key]
        year = timezone.localtime(self.now).year + (1 if season_key == "verano" and self.now.month >= 11 else 0)
        seasonal: d.DemoCollection = (
            f"temporada-{season_key}-{year}",
            f"{title} {year}",
            "seasonal",
            -10,
            80,
            text,
            {"categories": categories, "brands": [], "count": 10},
            look,
            color,
            "TEMPORADA",
        )
        for slug, name, kind, starts, ends, text, rule, look, color, badge in [*d.COLLECTIONS, seasonal]:
            is_drop = kind == "drop"
            groups = self._by_category(drafts, taken if is_drop else upcoming)
            pool = [p for c in rule["categories"] for p in groups.get(c, [])]
            preferred = [p for p in pool if p.brand in rule["brands"]]
            chosen: list[ProductDraft] = []
            for candidates in (preferred, pool):
                candidates = [p for p in candidates if p not in chosen]
                chosen += r.sample(candidates, min(len(candidates), rule["count"] - len(chosen)))
            chosen.sort(key=lambda p: (rule["categories"].index(p.category), p.seq))
            for product in chosen:
                self._showcase(product)
                if is_drop:
                    product.max_per_customer = 2
                    product.is_new = True
                    taken.add(product.seq)
                    if starts > 0:
                        upcoming.add(product.seq)
            hero = f"collections/demo/{IMAGE_VERSION}/{slug}.jpg"
            self.files[hero] = ("collection", (name, text, look, color, badge), "JPEG")
            result.append(
                CollectionDraft(
                    slug,
                    name,
                    kind,
                    timedelta(days=starts),
                    timedelta(days=ends) if ends is not None else None,
                    text,
                    hero,
                    chosen,
                )
            )
        return result

    def _kits(self, drafts: list[ProductDraft], upcoming: set[int]) -> list[KitDraft]:
        r = self.r_pick
        groups = self._by_category(drafts, upcoming)
        kits = []
        for slug, name, room, discount, tags, text, look, room_color, items in d.KITS:
            chosen: list[tuple[ProductDraft, int, bool]] = []
            for category, tag, quantity, optional in items:
                used = {p.seq for p, _, _ in chosen}
                candidates = [p for p in groups.get(category, []) if p.seq not in used]
                tagged = [p for p in candidates if tag in p.tags] if tag else candidates
                if tag == "sofa":
                    tagged = [p for p in candidates if "sofa" in p.tags]
                pick_from = tagged or ([] if tag == "armchair" else candidates)
                if not pick_from:
                    continue
                # Kits show off the store: prefer the most appealing products.
                pick_from = sorted(pick_from, key=lambda p: (-p.appeal, p.seq))[:12]
                product = r.choice(pick_from)
                self._showcase(product)
                # A kit that needs more units than one customer may buy could never be bought.
                if quantity > settings.MAX_UNITS_PER_CUSTOMER:
                    product.max_per_customer = max(product.max_per_customer or 0, quantity)
                chosen.append((product, quantity, optional))
            if not any(not optional for _, _, optional in chosen):
                continue
            cover = f"kits/demo/{IMAGE_VERSION}/{slug}.jpg"
            subtitle = f"Ahorra {Decimal(discount):.0f}% comprando el kit completo"
            self.files[cover] = ("kit", (name, subtitle, look, room_color), "JPEG")
            kits.append(KitDraft(slug, name, room, Decimal(discount), tags, text, cover, chosen))
        return kits

    def _banners(self) -> list[BannerDraft]:
        banners = []
        for order, (title, subtitle, button, target, starts, ends, look, color) in enumerate(d.BANNERS):
            base = f"banners/demo/{IMAGE_VERSION}/{slugify(title)}"
            for which in ("desktop", "mobile"):
                self.files[f"{base}-{which}.jpg"] = ("banner", (which, title, subtitle, button, look, color), "JPEG")
            banners.append(
                BannerDraft(
                    title,
                    subtitle,
                    button,
                    target,
                    timedelta(days=starts) if starts is not None else None,
                    timedelta(days=ends) if ends is not None else None,
                    base + "-desktop.jpg",
                    base + "-mobile.jpg",
                    order,
                )
            )
        return banners


# --- pictures -------------------------------------------------------------------------------------


def save_images(plan: Plan, *, progress: bool) -> int:
    """Draw and store every file the plan names that storage does not hold yet. Returns how many files it uses.

    Files are pure functions of their names, so one saved by an earlier load is reused as it is.
    Many missing files are drawn by a few worker processes; if those cannot start, drawing goes on here.
    """
    with _drawing_alone():
        return _save_images(plan, progress=progress)


@contextmanager
def _drawing_alone() -> Iterator[None]:
    """One process at a time draws into a local media folder: two loads that start together (the
    test suite's workers share the demo's folders) would each draw and encode every missing file,
    one copy thrown away; the second waits and finds them drawn. Storage with no local path (a
    bucket) is not locked."""
    try:
        folder = Path(default_storage.path(f"products/demo/{IMAGE_VERSION}"))
    except NotImplementedError:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".drawing.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


def _save_images(plan: Plan, *, progress: bool) -> int:
    missing = [name for name in plan.files if not default_storage.exists(name)]
    bar = tqdm(total=len(missing), desc="Imágenes", unit="img", disable=not progress or not missing)
    done: set[str] = set()

    def store(name: str, content: bytes, renditions: list[tuple[int, bytes]] | None = None) -> None:
        stored = default_storage.save(name, ContentFile(content))
        if stored != name:  # saved meanwhile by someone else: keep the copy under the expected name
            default_storage.delete(stored)
        if renditions is not None:
            renditions_store(name, renditions)
        done.add(name)
        bar.update(1)

    workers = min(4, (os.cpu_count() or 1))
    if len(missing) >= PARALLEL_IMAGES and workers > 1:
        try:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                jobs = [plan.files[n] for n in missing]
                for name, (content, renditions) in zip(
                    missing, pool.map(images.render_with_renditions, jobs, chunksize=4)
                ):
                    store(name, content, renditions)
        except (OSError, BrokenProcessPool):
            pass  # finish below, in this process
    for name in missing:
        if name not in done:
            store(name, images.render(plan.files[name]))
    bar.close()
    for name in plan.files:  # the pages' srcset (bulk-created pictures send no post_save), those not made above
        renditions_make(name)
    return len(plan.files)


# --- writing --------------------------------------------------------------------------------------


class Writer:
    def __init__(self, plan: Plan, *, now, progress: bool):
        self.plan = plan
        self.now = now
        self.progress = progress

    def write(self) -> None:
        families = self._families()
        categories = self._categories(families)
        brands = self._brands()
        values = self._options()
        lines = self._lines(categories)
        product_ids = self._products(categories, brands, lines, values)
        self._kits(product_ids)
        self._collections(product_ids)
        self._banners()

    def _families(self) -> dict[str, Family]:
        rows = [
            Family(name=f["name"], slug=f["slug"], icon=f["icon"], description=f["description"], order=i + 1)
            for i, f in enumerate(d.FAMILIES)
        ]
        Family.objects.bulk_create(rows)
        return {f.slug: f for f in Family.objects.all()}

    def _categories(self, families) -> dict[str, Category]:
        created: dict[str, Category] = {}
        order_in_parent: dict[str | None, int] = defaultdict(int)
        for slug, name, family, parent, icon, text in d.CATEGORIES:  # parents are listed first
            order_in_parent[parent] += 1
            category = Category(
                family=families[family],
                parent=created.get(parent) if parent else None,
                name=name,
                slug=slug,
                icon=icon,
                description=text,
                order=order_in_parent[parent],
            )
            category.save()
            created[slug] = category
        return created

    def _brands(self) -> dict[str, Brand]:
        rows = []
        for name, country, _, _ in d.BRANDS:
            if name in self.plan.brands:
                brand = Brand(
                    name=name, slug=slugify(name), country=country, description=_brand_description(name, country)
                )
                brand.logo.name = f"brands/demo/{IMAGE_VERSION}/{slugify(name)}.png"
                rows.append(brand)
        Brand.objects.bulk_create(rows, ignore_conflicts=True)  # brands a manager created stay as they are
        return {b.name: b for b in Brand.objects.all()}

    def _options(self) -> dict[tuple[str, str], int]:
        # Options are the store's shared vocabulary: existing ones are kept and reused.
        Option.objects.bulk_create(
            [Option(code=code, name=name, order=order) for code, name, order in d.OPTIONS], ignore_conflicts=True
        )
        options = {o.code: o for o in Option.objects.all()}
        rows = []
        for code, values in d.OPTION_VALUES.items():
            for order, value in enumerate(values, start=1):
                rows.append(
                    OptionValue(
                        option=options[code],
                        value=value,
                        slug=slugify(value),
                        order=order,
                        swatch=d.COLORS[value] if code == "color" else "",
                    )
                )
        OptionValue.objects.bulk_create(rows, ignore_conflicts=True)
        return {(v.option.code, v.value): v.pk for v in OptionValue.objects.select_related("option")}

    def _lines(self, categories) -> dict[str, int]:
        rows = []
        for line in self.plan.lines:
            rows.append(
                ProductLine(
                    name=line.name,
                    slug=slugify(line.name),
                    category=categories[line.category],
                    manufacturer=line.manufacturer,
                    description=line.description,
                    base_specs=line.base_specs,
                )
            )
        ProductLine.objects.bulk_create(rows, batch_size=BATCH)
        return dict(ProductLine.objects.values_list("name", "pk"))

    def _products(self, categories, brands, lines, values) -> dict[int, int]:
        """Products with their variants, option values and pictures, BATCH products at a time."""
        drafts, pictures = self.plan.products, self.plan.pictures
        product_ids: dict[int, int] = {}
        through = Variant.option_values.through
        with tqdm(total=len(drafts), desc="Productos", unit="prod", disable=not self.progress) as bar:
            for start in range(0, len(drafts), BATCH):
                chunk = drafts[start : start + BATCH]
                products = Product.objects.bulk_create(
                    [self._product(draft, categories, brands, lines) for draft in chunk]
                )
                variants, links, shots = [], [], []
                variant_owner: list[tuple[int, int]] = []  # (draft position in chunk, variant index)
                for position, (draft, product) in enumerate(zip(chunk, products)):
                    product_ids[draft.seq] = product.pk
                    for index, variant in enumerate(draft.variants):
                        suffix = "-".join(d.value_code(option, value) for option, value in variant.values)
                        variants.append(
                            Variant(
                                product_id=product.pk,
                                sku=f"{draft.base_sku}-{suffix}" if suffix else draft.base_sku,
                                price_modifier=variant.modifier,
                                order=index,
                            )
                        )
                        variant_owner.append((position, index))
                created: list[Variant] = []
                for vstart in range(0, len(variants), BATCH):
                    created += variants_create(variants=variants[vstart : vstart + BATCH])
                variant_pk = {}
                for (position, index), saved in zip(variant_owner, created):
                    variant_pk[(position, index)] = saved.pk
                    for option, value in chunk[position].variants[index].values:
                        links.append(through(variant_id=saved.pk, optionvalue_id=values[(option, value)]))
                for position, product in enumerate(products):
                    for order, picture in enumerate(pictures[start + position]):
                        shot = ProductImage(
                            product_id=product.pk,
                            alt=picture.alt[:200],
                            order=order,
                            variant_id=variant_pk[(position, picture.variant_index)]
                            if picture.variant_index is not None
                            else None,
                        )
                        shot.image.name = picture.name
                        shots.append(shot)
                through.objects.bulk_create(links, batch_size=BATCH)
                ProductImage.objects.bulk_create(shots, batch_size=BATCH)
                bar.update(len(chunk))
        return product_ids

    def _product(self, draft: ProductDraft, categories, brands, lines) -> Product:
        length, width, height = draft.dims
        return Product(
            name=draft.name,
            slug=draft.slug,
            base_sku=draft.base_sku,
            brand=brands[draft.brand],
            category=categories[draft.category],
            line_id=lines.get(draft.line.name) if draft.line else None,
            description=draft.description,
            specs=draft.specs,
            base_price=draft.price,
            compare_at_price=draft.compare_at,
            warranty_months=draft.warranty,
            weight_kg=draft.weight,
            length_cm=length,
            width_cm=width,
            height_cm=height,
            is_featured=draft.is_featured,
            is_new=draft.is_new,
            status=draft.status,
            max_per_customer=draft.max_per_customer,
            created_at=self.now - timedelta(seconds=draft.age_seconds),
        )

    def _kits(self, product_ids: dict[int, int]) -> None:
        items = []
        for kit_draft in self.plan.kits:
            kit = Kit(
                name=kit_draft.name,
                slug=kit_draft.slug,
                description=kit_draft.description,
                room_type=kit_draft.room,
                style_tags=kit_draft.tags,
                discount_percent=kit_draft.discount,
            )
            kit.cover.name = kit_draft.cover
            kit.save()
            for order, (product, quantity, optional) in enumerate(kit_draft.items):
                items.append(
                    KitItem(
                        kit=kit,
                        product_id=product_ids[product.seq],
                        quantity=quantity,
                        is_optional=optional,
                        order=order,
                    )
                )
        KitItem.objects.bulk_create(items)

    def _collections(self, product_ids: dict[int, int]) -> None:
        items = []
        for draft in self.plan.collections:
            # Drops launch at 19:00 Lima time, other collections open at midnight; all close at 23:59.
            opening = DROP_LAUNCH_HOUR if draft.type == Collection.Type.DROP else 0
            collection = Collection(
                name=draft.name,
                slug=draft.slug,
                collection_type=draft.type,
                description=draft.description,
                starts_at=_at_shop_hour(self.now + draft.starts, opening),
                ends_at=_at_shop_hour(self.now + draft.ends, 23, 59) if draft.ends is not None else None,
            )
            collection.hero_image.name = draft.hero
            collection.save()
            items += [
                CollectionItem(collection=collection, product_id=product_ids[p.seq], order=order)
                for order, p in enumerate(draft.products)
            ]
        CollectionItem.objects.bulk_create(items)

    def _banners(self) -> None:
        rows = []
        for draft in self.plan.banners:
            banner = Banner(
                title=draft.title,
                subtitle=draft.subtitle,
                button_text=draft.button,
                target_url=draft.target,
                order=draft.order,
                starts_at=_at_shop_hour(self.now + draft.starts, 0) if draft.starts is not None else None,
                ends_at=_at_shop_hour(self.now + draft.ends, 23, 59) if draft.ends is not None else None,
            )
            banner.image_desktop.name = draft.desktop
            banner.image_mobile.name = draft.mobile
            rows.append(banner)
        Banner.objects.bulk_create(rows)


def _at_shop_hour(moment, hour: int, minute: int = 0):
    """That day, at that hour in the store's time zone (a launch at 19:00, not at the minute the demo loaded)."""
    return timezone.localtime(moment).replace(hour=hour, minute=minute, second=0, microsecond=0)


BRAND_ORIGINS = {
    "PE": "peruana",
    "US": "estadounidense",
    "TW": "taiwanesa",
    "CN": "china",
    "HK": "de Hong Kong",
    "KR": "coreana",
    "JP": "japonesa",
    "DE": "alemana",
    "CL": "chilena",
    "SE": "sueca",
    "CH": "suiza",
    "DK": "danesa",
}


def _brand_description(name: str, country: str) -> str:
    origin = BRAND_ORIGINS.get(country)
    who = f"{name} es una marca {origin}" if origin else name
    return (
        f"{who}. En Kallpa encuentras sus productos originales, con garantía oficial en el Perú, precios en "
        "soles con IGV incluido y envío a todo el país."
    )
