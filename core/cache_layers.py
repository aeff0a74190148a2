"""Every cache layer of the store in one place: what each holds, its key, what ends its entries and
how stale it may be, and — what a test checks — the models whose writes must end them.

A layer is told of a write (`told_by`: the model's post_save/post_delete/m2m receivers named in
`receivers` are connected; `told_by_services`: the service that writes the model announces it)
or it shows the write late, by at most `stale_seconds`. A layer keyed by another's version
(`follows`) is told whatever that one is told. A layer whose entries hold what other layers gave
(`inside`) is as stale as its own bound plus theirs; what it fills in on every request (`filled`)
is as stale as the layer it comes from: `staleness(page, model)` is how long after a write's
commit a cached page may still show the old value. tests/core/test_cache_layers.py checks the
declarations against the code: every model of the apps whose data pages show is shown by a page
here or declared not shown (NOT_SHOWN, with why), every receiver named is connected, every bound is
the module's own constant, every storefront view and {% cache %} fragment is declared.
tests/storefront/test_cache_layers_walk.py walks each kind of catalog, stock, price and settings
write over the pages and proves it shows within `staleness`. docs/caching.md prints this module
(markdown_table, late_writes_table).

Models are named "app_label.ModelName" ("app_label.*": every model of the app), as strings: core
is the lowest app and imports none above it; apps wire their receivers from here (`models`)."""

from collections.abc import Iterable
from dataclasses import dataclass

EVERY_MODEL = "*"


@dataclass(frozen=True)
class Layer:
    name: str
    module: str  # where it lives
    holds: str
    key: str
    ends: str  # what ends an entry, in words
    stale_seconds: float  # how late a write it is not told of shows (0: never)
    scope: str = "shared"  # shared (Redis), process, request, database
    shows: tuple[str, ...] = ()  # the models its entries are read from (directly, not through `inside`)
    told_by: tuple[str, ...] = ()  # models whose ORM writes end its entries at commit, by signal
    receivers: tuple[str, ...] = ()  # the receivers that do it ("module.function")
    told_by_services: tuple[tuple[str, str], ...] = ()  # (model, the service that announces its writes)
    follows: tuple[str, ...] = ()  # layers whose version it is keyed by: told whatever they are told
    inside: tuple[str, ...] = ()  # layers whose output its entries hold
    filled: tuple[str, ...] = ()  # layers whose output is filled into an entry on every request (not held)
    pages: tuple[str, ...] = ()  # the URL names of the pages it is ("name?query": with that query)
    # Of told_by: the models whose writes end only the entries that show the rows written (a version
    # per product, catalog.catalog_version), not every entry of the layer.
    per_product: tuple[str, ...] = ()
    # An inner layer it asks again on every hit once its entry is `checked_seconds` old: the entry is
    # served only while that layer still answers what the entry shows, so a write of what that layer is
    # told of shows within checked_seconds (its own bound is for the rest).
    checks: str = ""
    checked_seconds: float = 0


CATALOG_VERSION = "catalog version"
PRODUCT_VERSIONS = "product versions"
PAGE_VERSIONS = "page versions"
PRODUCT_PAGES = "page cache: product pages"
LISTING_PAGES = "page cache: searches"
HOME_PAGE = "page cache: home page"
STOCK_LISTING_PAGES = "page cache: listings filtered by stock"
CATEGORY_PAGES = "page cache: category and brand listings"
STOCK_CATEGORY_PAGES = "page cache: category and brand listings filtered by stock"
UNCACHED_PAGES = "pages rendered per request"
PRODUCT_CONTENT = "page content: product"
LISTING_CONTENT = "page content: searches"
HOME_CONTENT = "page content: home page"
STOCK_LISTING_CONTENT = "page content: listings filtered by stock"
CATEGORY_CONTENT = "page content: category and brand listings"
STOCK_CATEGORY_CONTENT = "page content: category and brand listings filtered by stock"
LISTING_COUNTS = "listing counts"
STOCK_LISTING_COUNTS = "listing counts filtered by stock"
CATEGORY_COUNTS = "listing counts: category and brand listings"
STOCK_CATEGORY_COUNTS = "listing counts: category and brand listings filtered by stock"
KEPT_COUNTS = "listing counts kept per category"
FACET_FRAGMENT = "facet fragment"
CATALOG_DATA = "catalog data"
CARDS = "cards"
PROCESS_MEMO = "process memo"
LAYOUT_FRAME = "layout frame"
GUEST_HEADER = "guest header"
FIRST_VISIT_PAGES = "first visits' pages"
RENDERED_PARTS = "rendered shopper parts"
BUY_BOX = "buy box"
DELIVERY_PART = "signed-in delivery part"
SHOWN_STOCK = "shown stock"
SIGNED_IN_REVIEWS = "signed-in reviews part"
OWN_REVIEWS = "own reviews"
USER_CACHE = "user cache"
REQUEST_READS = "request reads"
SITE_SETTINGS = "site settings"
CATEGORY_TREE = "category tree"
SCHEDULE = "next scheduled changes"
SHIPPING_RATES = "shipping rates"
SHOPPER_PLACE = "shopper's place"
PAYMENT_NAMES = "payment method names"
PICTURE_SRCSETS = "picture srcsets"

SHIPPING_SETUP = ("shipping.ShippingMethod", "shipping.ShippingZone", "shipping.ShippingRate")
TREE_MODELS = ("catalog.Brand", "catalog.Family", "catalog.Category", "catalog.Option", "catalog.OptionValue")
STOCK_MODELS = ("inventory.StockLevel", "inventory.Reservation", "inventory.Warehouse")
# One product's rows: a write of one renews the pages that show that product, not the others.
PRODUCT_ROWS = (
    "catalog.Product",
    "catalog.Variant",
    "catalog.ProductImage",
    "catalog.BundleComponent",
    "catalog.CollectionItem",
    "catalog.ProductOptionValue",
    "catalog.PriceHistory",
    "catalog.ScheduledPrice",  # a variant's (a category's renews every product page)
    "catalog.Collection",  # a drop: its products (of more than MARKED_AT_MOST, every page) and the home page
)
# What a product page may show of the catalog: every catalog model but the home page's banners.
PRODUCT_PAGE_CATALOG = (
    *PRODUCT_ROWS,
    *TREE_MODELS,
    "catalog.ProductLine",
    "catalog.Kit",
    "catalog.KitItem",
    "catalog.SearchTerm",
)
# Writes a service announces to the catalog's versions (made by QuerySet.update: no signal).
CATALOG_SERVICES = (
    ("promotions.AutomaticDiscount", "promotions.services.discount_prices_sync → product_promotions_set"),
    ("promotions.DiscountTarget", "promotions.services.discount_prices_sync → product_promotions_set"),
    ("reviews.Review", "reviews.services.ratings_refresh → catalog.services.product_rating_store"),
)

PAGE_KEY = "catalog:page:{language}:{sha1(scheme://host/full path)}"


def _listing_pages(
    *, name: str, holds: str, ends: str, stale_seconds: float, follows: str, content: str, pages: tuple[str, ...]
) -> Layer:
    """A kind of listing page in the page cache: kept under what `follows` says, holding its `content`
    layer's output in the layout, the shopper's parts filled in per request."""
    return Layer(
        name=name,
        module="storefront.page_cache",
        holds=holds,
        key=PAGE_KEY,
        ends=ends,
        stale_seconds=stale_seconds,
        follows=(follows, SCHEDULE),
        inside=(content, LAYOUT_FRAME, GUEST_HEADER),
        filled=(RENDERED_PARTS, USER_CACHE, FIRST_VISIT_PAGES),
        pages=pages,
    )


LAYERS: tuple[Layer, ...] = (
    Layer(
        name=CATALOG_VERSION,
        module="catalog.catalog_version",
        holds="the listings' token: every cached search page, its content and counts carry it",
        key="catalog:listing-version",
        ends="a new token on every catalog write: save, delete and m2m signals of every catalog model, and "
        "Product's and Variant's bulk updates (units sold aside: they only order best-selling); now and at commit",
        stale_seconds=0,
        told_by=("catalog.*",),
        receivers=("catalog.listing_cache._on_catalog_write",),
        told_by_services=CATALOG_SERVICES,
        follows=(PAGE_VERSIONS,),  # page versions renews it
        inside=(REQUEST_READS,),  # its key is read with the request's others
    ),
    Layer(
        name=PRODUCT_VERSIONS,
        module="catalog.catalog_version",
        holds="the product pages' token, and a mark per product (and per category's members, per category's "
        "contents) with the number of its last write: a product page's entries carry the token, the counter before "
        "they read anything and the marks of what they show (the product, its related products and their category, "
        "its bundle parts); a category's or a family's listing, its categories' contents; a brand's listing, "
        "its brand's; the home page, the marks of its rows' products and the home mark",
        key="catalog:product-pages-version, catalog:writes, catalog:written:product:{id}, "
        "catalog:written:category:{id}, catalog:written:contents:{id}, catalog:written:brand:{id}, catalog:written:home",
        ends="a write of one product's rows (its product, variants, pictures, bundle parts, drop items, option index, "
        "price history, a variant's scheduled prices; save, delete, m2m and bulk updates; stock coming back) marks "
        "that product, its category's contents and its brand (those it left too), and its category's members when "
        "it joins or leaves it, and the home mark when it is featured or new (or was): only the entries that show it "
        "end. A drop's write (a collection's) marks its products, their categories' contents and brands, and the home "
        "mark; a banner's, the home mark. Any other catalog write but a banner (a category's scheduled price too, a "
        "drop of more than MARKED_AT_MOST products), and what page versions is told, renews the token: every "
        "product page; now and at commit",
        stale_seconds=0,
        told_by=PRODUCT_PAGE_CATALOG,
        per_product=PRODUCT_ROWS,
        receivers=("catalog.listing_cache._on_catalog_write",),
        told_by_services=CATALOG_SERVICES,
        follows=(PAGE_VERSIONS,),  # page versions renews it
        inside=(REQUEST_READS,),  # its token and counter are read with the request's others
    ),
    Layer(
        name=PAGE_VERSIONS,
        module="storefront.page_versions",
        holds="nothing of its own: what pages show besides the catalog renews the catalog's versions",
        key="catalog:listing-version, catalog:product-pages-version (the catalog's versions)",
        ends="new catalog versions when a shipping method, zone or rate, a site setting or a seller (whom a product "
        "page names, loaded with the product) is written; when "
        "stock comes back (a movement with units in) its product is marked written (product versions); stock "
        "going down does not (pages follow it by time)",
        stale_seconds=0,
        told_by=(*SHIPPING_SETUP, "constance.Constance", "accounts.Seller"),
        receivers=("storefront.page_versions.pages_show_this_changed",),
    ),
    Layer(
        name=PRODUCT_PAGES,
        module="storefront.page_cache",
        holds="the whole product page, its shopper's parts as placeholders (filled per request), the guests' "
        "reviews and delivery parts",
        key="catalog:page:{language}:{sha1(scheme://host/full path)}",
        ends="the product pages' token changes or a product it shows is marked written (product versions); a "
        "collection starts or ends; a stock figure it shows is no longer the shown stock's, once FRESH_SECONDS "
        "(5 s) old; STOCK_CHECKED_SECONDS (60 s) old; served up to RENDER_GRACE_SECONDS (10 s) more while one "
        "request renders its successor",
        stale_seconds=70,
        checks=SHOWN_STOCK,
        checked_seconds=15,
        shows=("promotions.QuantityOffer", "promotions.QuantityOfferTarget"),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(PRODUCT_CONTENT, CATALOG_DATA, BUY_BOX, SHOWN_STOCK, LAYOUT_FRAME, GUEST_HEADER, SHIPPING_RATES),
        # A signed-in shopper's reviews and delivery parts, everyone's account links and mini-cart.
        filled=(
            RENDERED_PARTS,
            SIGNED_IN_REVIEWS,
            OWN_REVIEWS,
            SHOPPER_PLACE,
            SHIPPING_RATES,
            DELIVERY_PART,
            USER_CACHE,
            FIRST_VISIT_PAGES,
        ),
        pages=("catalog:product",),
    ),
    _listing_pages(
        name=LISTING_PAGES,
        holds="the whole search page, shopper's parts as placeholders",
        ends="the catalog version changes; a collection starts or ends; LISTING_FRESH_SECONDS (60 s) old, plus "
        "RENDER_GRACE_SECONDS (10 s)",
        stale_seconds=70,
        follows=CATALOG_VERSION,
        content=LISTING_CONTENT,
        pages=("catalog:search",),
    ),
    _listing_pages(
        name=HOME_PAGE,
        holds="the whole home page, shopper's parts as placeholders",
        ends="the product pages' token changes, a product on its rows or the home mark (a featured or new product's "
        "write, a banner's) is marked written (product versions); a collection or a banner starts or ends; "
        "LISTING_FRESH_SECONDS (60 s) old, plus RENDER_GRACE_SECONDS (10 s)",
        stale_seconds=70,
        follows=PRODUCT_VERSIONS,
        content=HOME_CONTENT,
        pages=("storefront:home",),
    ),
    _listing_pages(
        name=CATEGORY_PAGES,
        holds="the whole family, category or brand page, shopper's parts as placeholders",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (product "
        "versions); a collection starts or ends; LISTING_FRESH_SECONDS (60 s) old, plus RENDER_GRACE_SECONDS (10 s)",
        stale_seconds=70,
        follows=PRODUCT_VERSIONS,
        content=CATEGORY_CONTENT,
        pages=("catalog:family", "catalog:category", "catalog:brand"),
    ),
    _listing_pages(
        name=STOCK_LISTING_PAGES,
        holds="a search page filtered by stock (?in_stock=1): it shows which products have units",
        ends="the catalog version changes; a collection starts or ends; FRESH_SECONDS (5 s) old, plus "
        "RENDER_GRACE_SECONDS (10 s)",
        stale_seconds=15,
        follows=CATALOG_VERSION,
        content=STOCK_LISTING_CONTENT,
        pages=("catalog:search?in_stock=1",),
    ),
    _listing_pages(
        name=STOCK_CATEGORY_PAGES,
        holds="a family, category or brand page filtered by stock (?in_stock=1): it shows which products have units",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (stock coming "
        "back marks it); a collection starts or ends; FRESH_SECONDS (5 s) old, plus RENDER_GRACE_SECONDS (10 s)",
        stale_seconds=15,
        follows=PRODUCT_VERSIONS,
        content=STOCK_CATEGORY_CONTENT,
        pages=("catalog:family?in_stock=1", "catalog:category?in_stock=1", "catalog:brand?in_stock=1"),
    ),
    Layer(
        name=UNCACHED_PAGES,
        module="storefront.views",
        holds="nothing: collection, line and kit pages and search suggestions are rendered on every request",
        key="—",
        ends="—",
        stale_seconds=0,
        scope="request",
        shows=("catalog.*", "reviews.Review", "accounts.User"),
        inside=(LAYOUT_FRAME, GUEST_HEADER, CATEGORY_TREE, CARDS, USER_CACHE, PICTURE_SRCSETS),
        pages=("catalog:collection", "catalog:line", "catalog:kits", "catalog:kit", "catalog:search_suggestions"),
    ),
    Layer(
        name=PRODUCT_CONTENT,
        module="storefront.views._catalog_content",
        holds="a product page's HTML around the buy box (head, gallery, summary, details, related products, "
        "breadcrumbs) and its reviews as a guest sees them",
        key="catalog:facets:{sha1(page-content:product|language|host|full path)}, and a copy in the process, "
        "which names what it was rendered from (the catalog data's rows as read but their prices, the product "
        "pages' token, the related products' reading, the breadcrumbs)",
        ends="the product pages' token changes or a product it shows is marked written (product versions); a "
        "collection starts or ends; 60 s old (LISTING_FRESH_SECONDS). Made again after a write that changed "
        "nothing it shows (a save as it was, a price): the process' copy served again but its reviews, until 60 s "
        "from its render",
        stale_seconds=60,
        shows=(*PRODUCT_PAGE_CATALOG, "reviews.Review", "reviews.ReviewVote", "accounts.User"),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(CATALOG_DATA, CARDS, CATEGORY_TREE, PROCESS_MEMO, PICTURE_SRCSETS),
    ),
    Layer(
        name=LISTING_CONTENT,
        module="storefront.views._catalog_content",
        holds="a search's content (results, facets, head values)",
        key="catalog:facets:{sha1(page-content:listing|language|host|full path)}, and a copy in the process",
        ends="the catalog version changes; a collection starts or ends; 60 s old",
        stale_seconds=60,
        shows=("catalog.*",),
        follows=(CATALOG_VERSION, SCHEDULE),
        inside=(LISTING_COUNTS, FACET_FRAGMENT, CATALOG_DATA, CARDS, CATEGORY_TREE, PROCESS_MEMO),
    ),
    Layer(
        name=HOME_CONTENT,
        module="storefront.views._catalog_content",
        holds="the home page's content (banners, drops, featured and new products, kits, head values)",
        key="catalog:facets:{sha1(page-content:home|language|host|full path)}, and a copy in the process",
        ends="the product pages' token changes, a product on its rows or the home mark is marked written (product "
        "versions); a collection or a banner starts or ends; 60 s old",
        stale_seconds=60,
        shows=(*PRODUCT_PAGE_CATALOG, "catalog.Banner"),
        told_by=("catalog.Banner",),
        receivers=("catalog.listing_cache._on_catalog_write",),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(CATALOG_DATA, CARDS, CATEGORY_TREE, PROCESS_MEMO, PICTURE_SRCSETS),
    ),
    Layer(
        name=STOCK_LISTING_CONTENT,
        module="storefront.views._catalog_content",
        holds="the content of a search filtered by stock (its products are those with units)",
        key="catalog:facets:{sha1(page-content:listing|language|host|full path)}, and a copy in the process",
        ends="the catalog version changes; a collection starts or ends; 5 s old (FRESH_SECONDS)",
        stale_seconds=5,
        shows=("catalog.*", *STOCK_MODELS, "inventory.Movement"),
        follows=(CATALOG_VERSION, SCHEDULE),
        inside=(STOCK_LISTING_COUNTS, FACET_FRAGMENT, CARDS, CATEGORY_TREE, PROCESS_MEMO),
    ),
    Layer(
        name=CATEGORY_CONTENT,
        module="storefront.views._catalog_content",
        holds="a family's, a category's or a brand's listing content (results, facets, head values)",
        key="catalog:facets:{sha1(page-content:listing|language|host|full path)}, and a copy in the process",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (product "
        "versions); a collection starts or ends; 60 s old",
        stale_seconds=60,
        shows=PRODUCT_PAGE_CATALOG,
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        # And the facet fragment, keyed by the counts it shows: nothing of it can be stale.
        inside=(CATEGORY_COUNTS, CARDS, CATEGORY_TREE, PROCESS_MEMO),
    ),
    Layer(
        name=STOCK_CATEGORY_CONTENT,
        module="storefront.views._catalog_content",
        holds="the content of a family's, a category's or a brand's listing filtered by stock (its products are "
        "those with units)",
        key="catalog:facets:{sha1(page-content:listing|language|host|full path)}, and a copy in the process",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (stock coming "
        "back marks it); a collection starts or ends; 5 s old (FRESH_SECONDS)",
        stale_seconds=5,
        shows=(*PRODUCT_PAGE_CATALOG, *STOCK_MODELS, "inventory.Movement"),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(STOCK_CATEGORY_COUNTS, CARDS, CATEGORY_TREE, PROCESS_MEMO),
    ),
    Layer(
        name=LISTING_COUNTS,
        module="catalog.listing",
        holds="a search's facet counts (total, brands, price buckets, option values) and its ranking",
        key="catalog:facets:{sha1(scope|filters)}",
        ends="the catalog version changes; facets: a collection starts or ends; 5 minutes old (TTL_SECONDS)",
        stale_seconds=300,
        shows=("catalog.*",),
        follows=(CATALOG_VERSION, SCHEDULE),
    ),
    Layer(
        name=STOCK_LISTING_COUNTS,
        module="catalog.listing",
        holds="the total and facet counts of a search filtered by stock (they count the products with units)",
        key="catalog:facets:{sha1(scope|filters, in_stock among them)}",
        ends="the catalog version changes (stock coming back renews it); a collection starts or ends; "
        "5 s old (STOCK_COUNTS_FRESH_SECONDS: a sale moves no version)",
        stale_seconds=5,
        shows=("catalog.*", *STOCK_MODELS, "inventory.Movement"),
        follows=(CATALOG_VERSION, SCHEDULE),
    ),
    Layer(
        name=CATEGORY_COUNTS,
        module="catalog.listing",
        holds="a family's, a category's or a brand's facet counts (total, brands, price buckets, option values)",
        key="catalog:facets:{sha1(scope|filters)}, and a copy in the process",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (product "
        "versions); a collection starts or ends; 5 minutes old (TTL_SECONDS)",
        stale_seconds=300,
        shows=PRODUCT_PAGE_CATALOG,
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(KEPT_COUNTS,),
    ),
    Layer(
        name=KEPT_COUNTS,
        module="catalog.category_counts",
        holds="each category's facet counts (its active products by brand, with their prices' range and buckets, "
        "and by option value), which an unfiltered family's or category's listing sums instead of counting",
        key="the database: catalog_categorycounts, a row per category",
        ends="a write of one of its products (or of every category's: a bulk or catalog-wide write) raises its "
        "`written` in the write's transaction, with the product versions' marks; its counts serve only while "
        "`counted` equals it, counted again at commit (a task) and by beat every minute; a collection holding one "
        "of its products starts or ends; an hour old (MAX_AGE)",
        stale_seconds=3600,
        scope="database",
        shows=PRODUCT_ROWS,
        follows=(PRODUCT_VERSIONS,),
    ),
    Layer(
        name=STOCK_CATEGORY_COUNTS,
        module="catalog.listing",
        holds="the total and facet counts of a family's, a category's or a brand's listing filtered by stock",
        key="catalog:facets:{sha1(scope|filters, in_stock among them)}, and a copy in the process",
        ends="the product pages' token changes or its categories' contents (a brand's listing: its brand) are "
        "marked written (stock coming "
        "back marks it); a collection starts or ends; 5 s old (STOCK_COUNTS_FRESH_SECONDS: a sale marks nothing)",
        stale_seconds=5,
        shows=(*PRODUCT_PAGE_CATALOG, *STOCK_MODELS, "inventory.Movement"),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
    ),
    Layer(
        name=FACET_FRAGMENT,
        module="templates/catalog/_results.html",
        holds="the rendered facet sidebar ({% cache 300 listing_facets %})",
        key="template.cache.listing_facets.{hash(facets_key, language)}",
        ends="nothing to end: keyed by a hash of the facets it shows",
        stale_seconds=0,
        scope="process",
        inside=(LISTING_COUNTS,),
    ),
    Layer(
        name=CATALOG_DATA,
        module="catalog.selectors",
        holds="the home page's rows; a product page's product, variants, pictures and bundle parts, and apart its "
        "related products (no stock)",
        key="catalog:facets:{sha1(home:{rows shape}|), sha1(product-page:{rows shape}|{slug}) or "
        "sha1(product-related:{rows shape}|{product id})}, and a copy in the process",
        ends="the product pages' token changes or a product it shows is marked written; home: the home mark too (a "
        "featured or new product's write, a banner's), a banner starts or ends; a collection starts or ends; 5 "
        "minutes old",
        stale_seconds=300,
        # A discount shows through the product's promo_percent and promo_amount (discount_prices_sync).
        shows=(
            *PRODUCT_PAGE_CATALOG,
            "catalog.Banner",
            "promotions.AutomaticDiscount",
            "promotions.DiscountTarget",
            "accounts.Seller",  # the product's seller, read with it
        ),
        told_by=("catalog.Banner",),  # the home mark
        receivers=("catalog.listing_cache._on_catalog_write",),
        follows=(PRODUCT_VERSIONS, SCHEDULE),
        inside=(PROCESS_MEMO,),
    ),
    Layer(
        name=CARDS,
        module="catalog.card_cache",
        holds="a product card's HTML",
        key="catalog:card:{template version}:{language}:{sha1(every field the card shows)}",
        ends="nothing to end: a change of anything shown is another key; unused keys lapse after an hour",
        stale_seconds=0,
        shows=("catalog.Product", "catalog.Brand", "catalog.ProductImage"),
        inside=(PICTURE_SRCSETS,),
    ),
    Layer(
        name=PROCESS_MEMO,
        module="core.process_memo",
        holds="the entries a process read last (page content, catalog data, layout frames), least recently used "
        "dropped",
        key="the entry's own key, checked against the version it names",
        ends="nothing to end: an entry is used only while the version it was read under is current",
        stale_seconds=0,
        scope="process",
    ),
    Layer(
        name=LAYOUT_FRAME,
        module="core.templatetags.layout",
        holds="base.html's fixed pieces (head, top bar, menu, footer) between its per-request parts",
        key="(compiled template, language, store name, support e-mail and phone, nav version, highlighted family, "
        "signed in, payment method names)",
        ends="nothing to end: keyed by every value it shows",
        stale_seconds=0,
        scope="process",
        inside=(SITE_SETTINGS, CATEGORY_TREE, PAYMENT_NAMES),
    ),
    Layer(
        name=GUEST_HEADER,
        module="templates/base.html",
        holds="a guest's header links and mini-cart ({% cache 3600 header_guest %})",
        key="template.cache.header_guest.{hash(language, cart units)}",
        ends="nothing to end: keyed by what it shows",
        stale_seconds=0,
        scope="process",
    ),
    Layer(
        name=RENDERED_PARTS,
        module="storefront.page_cache._rendered_part",
        holds="a page-cache hit's mini-cart and account menus, and a rendered page's signed-in header links "
        "({% signed_in_header %})",
        key="(template, language, the values the template reads)",
        ends="nothing to end: keyed by what it shows",
        stale_seconds=0,
        scope="process",
        inside=(USER_CACHE,),
    ),
    Layer(
        name=FIRST_VISIT_PAGES,
        module="storefront.page_cache._first_visit_page",
        holds="the page every first visitor gets from an entry (no token, no cookie): its bytes, their digest (its "
        "ETag) and, once a browser that takes gzip asked, the bytes gzipped",
        key="(the entry's key, when it was stored, its length, the store's name)",
        ends="nothing to end: keyed by the entry it is made from (a new entry is another key)",
        stale_seconds=0,
        scope="process",
    ),
    Layer(
        name=BUY_BOX,
        module="storefront.views._stock_parts",
        holds="a product page's buy box and JSON-LD",
        key="product-stock-parts:{sha1(address, language, name of the catalog data's rows as read and the product "
        "pages' token, stock figures, drops, offer, e-mail, place, day)}",
        ends="nothing to end: keyed by what it shows",
        stale_seconds=0,
        scope="process",
        inside=(SHOWN_STOCK, CATALOG_DATA),
    ),
    Layer(
        name=DELIVERY_PART,
        module="storefront.views._delivery_part",
        holds="a page-cache hit's delivery promise for a signed-in shopper whose place is not the guests' (Lima)",
        key="product-delivery-part:{sha1(language, place, parcel weight, unit price, day, free-shipping threshold, "
        "the place's rates as read)}",
        ends="nothing to end: keyed by what it shows",
        stale_seconds=0,
        scope="process",
        inside=(SHIPPING_RATES, SHOPPER_PLACE),
    ),
    Layer(
        name=SHOWN_STOCK,
        module="inventory.shown_stock",
        holds="each variant's available units, with the stock version it was read under and when a hold lapses",
        key="stock:shown:{variant}, stock:shown:version:{variant}, stock:shown:warehouses",
        ends="a new stock version for the variants a write touched (now and at commit); a hold's expiry; "
        "60 s old (TTL_SECONDS). Only with a shared cache (STOCK_SHOWN_CACHE)",
        stale_seconds=60,
        shows=(*STOCK_MODELS, "inventory.Movement"),
        told_by=STOCK_MODELS,
        receivers=(
            "inventory.shown_stock._on_level_write",
            "inventory.shown_stock._on_hold_write",
            "inventory.shown_stock._on_warehouse_write",
        ),
        told_by_services=(("inventory.Movement", "inventory.services._base.record_movement → stock_changed"),),
    ),
    Layer(
        name=SIGNED_IN_REVIEWS,
        module="storefront.page_cache.shared_signed_in_part",
        holds="a product's reviews section as every signed-in shopper with nothing of their own in it sees it",
        key="catalog:page-part:reviews:{language}:{sha1(full path)}",
        ends="the catalog version changes; 5 s old (FRESH_SECONDS)",
        stale_seconds=5,
        shows=("reviews.Review", "reviews.ReviewVote", "accounts.User"),
        follows=(CATALOG_VERSION,),
    ),
    Layer(
        name=OWN_REVIEWS,
        module="reviews.selectors",
        holds="the products a shopper reviewed or voted on",
        key="reviews:own-products:{user}",
        ends="a review or vote of theirs written (now and at commit); 5 minutes old",
        stale_seconds=300,
        shows=("reviews.Review", "reviews.ReviewVote"),
        told_by=("reviews.Review", "reviews.ReviewVote"),
        receivers=("reviews.apps._forget_own_reviews",),
    ),
    Layer(
        name=USER_CACHE,
        module="accounts.user_cache",
        holds="a signed-in request's user",
        key="accounts:user:{id}",
        ends="the user saved or deleted (now and at commit); 5 minutes old. A QuerySet.update must call forget()",
        stale_seconds=300,
        shows=("accounts.User",),
        told_by=("accounts.User",),
        receivers=("accounts.user_cache._user_written",),
    ),
    Layer(
        name=REQUEST_READS,
        module="core.request_reads",
        holds="the keys nearly every page reads (catalog and tree versions, site settings, payment method names, "
        "the next scheduled changes), "
        "read together once per request; and what a session names once read (its user, its cart's lines: "
        "`core.session_store.read_with_session`), read with the request's next round trip and given once",
        key="the keys themselves, for one request",
        ends="the request ends; a write in the request is remembered or forgotten by the module that made it "
        "(a cart's write drops its lines read ahead)",
        stale_seconds=0,
        scope="request",
    ),
    Layer(
        name=SITE_SETTINGS,
        module="core.site_settings",
        holds="every site setting (defaults included) in one entry",
        key="site-settings:v1",
        ends="a setting saved (constance's config_updated, its row's signals; now and at commit); 5 minutes old",
        stale_seconds=300,
        shows=("constance.Constance",),
        told_by=("constance.Constance",),
        receivers=("core.site_settings._constance_row_changed",),
        inside=(REQUEST_READS,),  # its key is read with the request's others
    ),
    Layer(
        name=CATEGORY_TREE,
        module="catalog.tree",
        holds="the family → category tree, active brands, option values; a copy per process by version",
        key="catalog:tree:v3, catalog:tree:version, catalog:tree:v3:options:{version}",
        ends="a brand, family, category, option or option value written; 15 minutes old",
        stale_seconds=900,
        shows=TREE_MODELS,
        told_by=TREE_MODELS,
        receivers=("catalog.tree.invalidate",),
        inside=(REQUEST_READS,),  # its key is read with the request's others
    ),
    Layer(
        name=SCHEDULE,
        module="catalog.listing_cache",
        holds="when an active collection and an active banner next start or end",
        key="catalog:next-scheduled-changes",
        ends="a collection or banner written (now and at commit); the moment passes; 5 minutes old",
        stale_seconds=300,
        shows=("catalog.Collection", "catalog.Banner"),
        told_by=("catalog.Collection", "catalog.Banner"),
        receivers=("catalog.listing_cache._on_schedule_write",),
        inside=(REQUEST_READS,),  # its key is read with the request's others
    ),
    Layer(
        name=SHIPPING_RATES,
        module="shipping.estimates",
        holds="the active rates serving each place asked (the product page's delivery promise), each place's pickled on its own",
        key="shipping:estimate-rates:by-place",
        ends="a shipping method, zone or rate written; 10 minutes old",
        stale_seconds=600,
        shows=SHIPPING_SETUP,
        told_by=SHIPPING_SETUP,
        receivers=("shipping.estimates.forget_cached_rates",),
    ),
    Layer(
        name=SHOPPER_PLACE,
        module="shipping.estimates",
        holds="a customer's place (their default address' department and province)",
        key="shipping:place:{user}",
        ends="one of their addresses written; 5 minutes old",
        stale_seconds=300,
        shows=("accounts.Address",),
        told_by=("accounts.Address",),
        receivers=("shipping.estimates.forget_place",),
    ),
    Layer(
        name=PAYMENT_NAMES,
        module="payments.selectors",
        holds="the names of the payment methods checkout offers (every page's footer)",
        key="payments:methods-offered",
        ends="a payment method written (now and at commit); an hour old",
        stale_seconds=3600,
        shows=("payments.PaymentMethod",),
        told_by=("payments.PaymentMethod",),
        receivers=("payments.selectors.forget_offered_names",),
        inside=(REQUEST_READS,),  # its key is read with the request's others
    ),
    Layer(
        name=PICTURE_SRCSETS,
        module="catalog.renditions",
        holds="a picture's srcset: the addresses of its WebP renditions made so far",
        key="the picture's file name",
        ends="nothing to end once every width exists; a picture without every width (narrower than the widest, "
        "or read while its renditions were written) is looked at again a minute later; none kept while it has "
        "no rendition",
        stale_seconds=60,
        scope="process",
    ),
)

# The apps whose rows pages show: each of their models is shown by a page above or named below.
PAGE_DATA_APPS = (
    "accounts",
    "catalog",
    "constance",
    "inventory",
    "legal",
    "payments",
    "promotions",
    "reviews",
    "shipping",
)

NOT_SHOWN: dict[str, str] = {
    "accounts.HistoricalUser": "audit history: the admin's history pages only",
    "accounts.HistoricalSeller": "audit history: the admin's history pages only",
    "inventory.Supplier": "purchasing: staff pages only",
    "inventory.PurchaseOrder": "purchasing: staff pages only",
    "inventory.PurchaseOrderLine": "purchasing: staff pages only",
    "legal.PolicyVersion": "policy pages are rendered per request; the footer links to them by fixed addresses",
    "legal.Consent": "a shopper's own consents: their privacy page, never cached",
    "payments.Payment": "the shopper's own orders and checkout, never cached",
    "payments.Refund": "staff and the shopper's own order pages, never cached",
    "payments.WebhookEvent": "gateways' messages: no page shows them",
    "payments.GatewayLogEntry": "staff pages only",
    "promotions.Coupon": "the cart and checkout, rendered per shopper, never cached",
    "promotions.CouponRedemption": "the cart and checkout, rendered per shopper, never cached",
    "reviews.ReviewReport": "moderation in the admin",
    "reviews.ReviewInvitation": "e-mails only",
    "reviews.SellerReputation": "the seller's page, rendered per request",
    "shipping.Shipment": "the shopper's own order pages and staff pages, never cached",
    "shipping.ShipmentLine": "the shopper's own order pages and staff pages, never cached",
    "shipping.ShipmentEvent": "the shopper's own order pages and staff pages, never cached",
    "shipping.WarehouseOperator": "staff pages only",
}
# simple_history's copies of a row ("Historical…" models): the admin's history pages read them.
NOT_SHOWN_HISTORY = "audit history (simple_history): the admin's history pages only"

# The other apps: why no cached page shows their rows.
NOT_SHOWN_APPS: dict[str, str] = {
    "alerts": "a shopper's alerts and reminders: e-mails and their own pages",
    "backoffice": "staff pages and reports",
    "cart": "the cart is the shopper's own (the mini-cart count is filled per request)",
    "checkout": "no models",
    "complaints": "the Libro de Reclamaciones: forms and the consumer's own sheets, never cached",
    "core": "counters and the health heartbeat",
    "credit": "store credit and gift cards: the shopper's own pages and checkout",
    "demo": "no models",
    "despatch": "guías de remisión: staff pages and SUNAT's answers, never on a shopper's page",
    "favourites": "the hearts' and strip's state is filled per request (favourites.state)",
    "monitoring": "no models: /metrics, read fresh at each scrape",
    "orders": "a shopper's own orders, never cached",
    "privacy": "ARCO requests and closed accounts: the customer's own privacy page and staff pages",
    "receipts": "receipts: e-mails and the shopper's own order pages",
    "reconciliation": "staff's findings of the daily payment reconciliation",
    "returns": "a shopper's own returns, never cached",
    "storefront": "no models",
    "sunat": "resúmenes diarios, bajas and the sales register: staff pages and commands",
    "timeline": "no models",
    "waitingroom": "staff's changes of the waiting room: the admin only (its live state is in Redis, read per request)",
}


_BY_NAME = {layer.name: layer for layer in LAYERS}


def layer(name: str) -> Layer:
    return _BY_NAME[name]


def _matches(label: str, patterns: Iterable[str]) -> bool:
    app_label = label.partition(".")[0]
    return any(pattern in (label, f"{app_label}.{EVERY_MODEL}") for pattern in patterns)


def told(name: str) -> set[str]:
    """The models (patterns as declared) whose writes end this layer's entries at commit."""
    found = layer(name)
    names = {*found.told_by, *(model for model, _service in found.told_by_services)}
    for followed in found.follows:
        names |= told(followed)
    return names


def is_told(name: str, label: str) -> bool:
    return _matches(label, told(name))


def shows(name: str, label: str) -> bool:
    """Whether this layer's entries, or those of a layer inside them, hold the model's rows."""
    found = layer(name)
    return _matches(label, found.shows) or any(shows(inner, label) for inner in found.inside)


def staleness(name: str, label: str) -> float:
    """How long after a write of the model commits this layer may still show the old value: its
    own bound unless it is told (when its entries hold the model's rows), plus the worst of the
    layers inside them (an entry may hold what an inner layer gave just before the write); what is
    filled in on each request is as stale as the layer it comes from."""
    found = layer(name)
    if found.checks and is_told(found.checks, label):
        # Asked again on every hit once checked_seconds old: what it answers is current.
        return max([found.checked_seconds, *(staleness(filled, label) for filled in found.filled)])
    own = found.stale_seconds if shows(name, label) and not is_told(name, label) else 0
    held = own + max((staleness(inner, label) for inner in found.inside), default=0)
    return max([held, *(staleness(filled, label) for filled in found.filled)])


def reaches(name: str, label: str) -> bool:
    """Whether the model's rows show in this layer at all (held or filled in)."""
    found = layer(name)
    return shows(name, label) or any(reaches(filled, label) for filled in found.filled)


def page_layers() -> list[Layer]:
    return [found for found in LAYERS if found.pages]


def models(name: str, app_label: str | None = None) -> list:
    """The models (of `app_label`, or of every app) this layer is told of by signal: what its
    receivers connect to. Not simple_history's copies of a row: written with the row, whose own
    write tells the layer (an "app.*" pattern would have the history row renew it again)."""
    from django.apps import apps

    patterns = layer(name).told_by
    labels = [app_label] if app_label else sorted({pattern.partition(".")[0] for pattern in patterns})
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if _matches(model._meta.label, patterns) and not is_history(model)
    ]


def is_history(model) -> bool:
    """Whether the model is simple_history's copy of another's rows ("Historical…")."""
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _seconds(value: float) -> str:
    return f"{value:g} s"


def markdown_table() -> str:
    """The registry as docs/caching.md shows it (tests/core/test_cache_layers.py keeps them equal)."""
    rows = [
        "| layer | where | holds | key | ends when | told at once by | stale at most |",
        "|---|---|---|---|---|---|---|",
    ]
    for found in LAYERS:
        told_by = [*found.told_by, *(f"{model} ({service})" for model, service in found.told_by_services)]
        told_by += [f"what {followed} is told" for followed in found.follows]
        rows.append(
            "| "
            + " | ".join(
                _cell(value)
                for value in (
                    f"**{found.name}** ({found.scope})",
                    f"`{found.module}`",
                    found.holds,
                    f"`{found.key}`",
                    found.ends,
                    ", ".join(told_by) or "—",
                    _seconds(found.stale_seconds),
                )
            )
            + " |"
        )
    return "\n".join(rows)


def late_writes_table() -> str:
    """Each model a page shows late: how long after its write's commit each page may show the old value."""
    from django.apps import apps

    pages = page_layers()
    rows = ["| write of | " + " | ".join(page.name for page in pages) + " |", "|---" * (len(pages) + 1) + "|"]
    for app_label in PAGE_DATA_APPS:
        for model in apps.get_app_config(app_label).get_models():
            bounds = [staleness(page.name, model._meta.label) for page in pages]
            if any(bounds):
                rows.append(f"| `{model._meta.label}` | " + " | ".join(_seconds(value) for value in bounds) + " |")
    return "\n".join(rows)
