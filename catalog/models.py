from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    Expression,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least, Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import HistoricalRecords
from core.models import AppendOnlyModel
from core.money import MoneyDigits, format_money, unit_discount
from core.query_moment import Moment

from . import catalog_version
from .prices import ShownPrice, shown_price

ZERO = Decimal("0.00")
# Catalog prices are kept to 10 digits (orders and ledgers to 12: sums of many prices).
money_field: MoneyDigits = {"max_digits": 10, "decimal_places": 2}


class Ordered(models.Model):
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True


class Family(Ordered):
    """Top level of the catalog tree, above the categories: Tecnología, Hogar, Moda."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    description = models.TextField(_("description"), blank=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True, help_text=_("Name of an icon in the store's set."))

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:family", args=[self.slug])


class Category(Ordered):
    """A category inside a family; categories nest through parent."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="categories", verbose_name=_("family"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    description = models.TextField(_("description"), blank=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["family__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["family", "name"], name="catalog_category_name_unique_in_family"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="catalog_category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])

    def clean(self) -> None:
        if self.parent is None:
            return
        if self.parent.family_id != self.family_id:
            raise ValidationError({"parent": _("The parent category must belong to the same family.")})
        ancestor: Category | None = self.parent
        seen: set[int] = set()
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None or ancestor.pk in seen:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def ancestors(self) -> list["Category"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. PE, US, TW."))
    description = models.TextField(_("description"), blank=True, help_text=_("Shown on the brand's page."))
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:brand", args=[self.slug])


RATING_STAR_FIELDS = ["rating_1", "rating_2", "rating_3", "rating_4", "rating_5"]


class RatedMixin(models.Model):
    rating_average = models.DecimalField(
        _("rating average"),
        max_digits=3,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    rating_count = models.PositiveIntegerField(_("rating count"), default=0)
    # Approved reviews per star, kept by reviews.services with the average and the count.
    rating_1 = models.PositiveIntegerField(_("1-star reviews"), default=0)
    rating_2 = models.PositiveIntegerField(_("2-star reviews"), default=0)
    rating_3 = models.PositiveIntegerField(_("3-star reviews"), default=0)
    rating_4 = models.PositiveIntegerField(_("4-star reviews"), default=0)
    rating_5 = models.PositiveIntegerField(_("5-star reviews"), default=0)

    class Meta:
        abstract = True

    @property
    def rating_shown(self) -> Decimal:
        """The one rounded number every page and the JSON-LD show (4.65 → 4.7)."""
        return self.rating_average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rating_breakdown(self) -> list[tuple[int, int, int]]:
        """(stars, reviews, percent of all reviews) from 5 down to 1."""
        total = self.rating_count
        return [
            (stars, count, round(count * 100 / total) if total else 0)
            for stars in range(5, 0, -1)
            for count in [getattr(self, f"rating_{stars}")]
        ]


class ProductLine(RatedMixin):
    """A generic model ("GeForce RTX 4090") that groups each brand's product of it ("ASUS ROG Strix RTX 4090 OC")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="lines", verbose_name=_("category"))
    manufacturer = models.CharField(_("manufacturer"), max_length=80, blank=True, help_text=_("E.g. NVIDIA, Intel."))
    description = models.TextField(_("description"), blank=True)
    base_specs = models.JSONField(_("base specifications"), default=dict, blank=True)
    image = models.ImageField(_("image"), upload_to="lines/", blank=True, help_text=_("Shown on the line's page."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:line", args=[self.slug])


ACTIVE_ONLY = Q(status="active")  # partial indexes of what shoppers see


class ProductQuerySet(models.QuerySet["Product"]):
    def visible(self) -> Self:
        """Active products of active brands and categories (storefront pages use
        catalog.selectors.visible_products, which also hides inactive families and parents)."""
        return self.filter(status=Product.Status.ACTIVE, brand__is_active=True, category__is_active=True)

    def with_price_reveal(self, now: Moment | None = None) -> Self:
        """Each product with price_reveal_at (see launch_awaited), which Product.price_is_secret reads."""
        return self.annotate(price_reveal_at=launch_awaited(OuterRef("pk"), now=now))

    def update(self, **kwargs: Any) -> int:
        """A bulk update sends no signal: announce it to the caches here, as the products it
        writes (save() and delete() do through catalog.listing_cache's receivers)."""
        if set(kwargs) != {"units_sold"}:
            # Units sold only order "best-selling", which may lag by the caches' time limits;
            # bumping on every sale would empty every cached page and facet count on every order.
            rows = list(
                self.values_list("pk", "category_id", "brand_id", "slug", "is_featured", "is_new")[
                    : catalog_version.MARKED_AT_MOST + 1
                ]
            )
            moved_out = {"category", "category_id", "brand", "brand_id", "slug"} & set(kwargs)
            if len(rows) > catalog_version.MARKED_AT_MOST or moved_out:
                catalog_version.bump_after_write()  # too many to mark one by one, or moved: every page
            else:
                catalog_version.mark_after_write(
                    products=[pk for pk, *_ in rows],
                    categories=[category for _pk, category, *_ in rows] if "status" in kwargs else [],
                    slugs=[slug for _pk, _category, _brand, slug, *_ in rows],
                    contents=[category for _pk, category, *_ in rows],
                    brands=[brand for _pk, _category, brand, *_ in rows],
                    # Featured or new, before or by this update: among what the home page's rows choose.
                    home=bool({"is_featured", "is_new"} & set(kwargs))
                    or any(featured or new for *_, featured, new in rows),
                )
        return super().update(**kwargs)


class ShownPriceFigures:
    """The figures a page shows for a product or a variant, read from its `shown_price`."""

    if TYPE_CHECKING:  # each model that mixes this in computes it

        @property
        def shown_price(self) -> ShownPrice: ...

    @property
    def shopper_price(self) -> Decimal:
        return self.shown_price.price

    @property
    def was_price(self) -> Decimal | None:
        return self.shown_price.before

    @property
    def saving(self) -> Decimal:
        return self.shown_price.saving

    @property
    def saving_percent(self) -> int:
        return self.shown_price.percent


class Product(ShownPriceFigures, RatedMixin):
    """A brand listing ("ASUS ROG Strix RTX 4090 OC"); its variants are what is stocked and sold."""

    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        BUNDLE = "bundle", _("Bundle")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # A seller's product waiting for staff to approve it (when the store reviews sellers' products).
        REVIEW = "review", _("In review")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    base_sku = models.CharField(_("base SKU"), max_length=40, unique=True)
    product_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products", verbose_name=_("brand"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    line = models.ForeignKey(
        ProductLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("product line"),
    )
    seller = models.ForeignKey(
        "accounts.Seller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("seller"),
    )
    model_number = models.CharField(
        _("model number"),
        max_length=60,
        blank=True,
        help_text=_("The manufacturer's model number, as printed on the box."),
    )
    description = models.TextField(_("description"), blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    base_price = models.DecimalField(_("price (IGV included)"), **money_field)
    compare_at_price = models.DecimalField(
        _("compare-at price"), **money_field, null=True, blank=True, help_text=_("The list price shown crossed out.")
    )
    # The best running automatic discount (promotions keeps these two through
    # catalog.services.product_promotions_set); sale_price is what the shopper pays, stored so
    # listings sort and filter on it with an index.
    promo_percent = models.DecimalField(
        _("automatic discount (%)"), max_digits=5, decimal_places=2, default=ZERO, editable=False
    )
    promo_amount = models.DecimalField(_("automatic discount (S/)"), **money_field, default=ZERO, editable=False)
    # The running quantity offer's badge ("3x2", "2do al 50 %"), kept by promotions like the two
    # above (catalog.services.product_promo_badges_set): cards show it and are cached by it.
    promo_badge = models.CharField(_("quantity offer"), max_length=30, blank=True, default="", editable=False)
    sale_price = models.GeneratedField(
        expression=Greatest(
            Least(
                F("base_price") - Round(F("base_price") * F("promo_percent") / 100, 2),
                F("base_price") - F("promo_amount"),
            ),
            Value(ZERO),
        ),
        output_field=models.DecimalField(**money_field),
        db_persist=True,
        verbose_name=_("price with discount"),
    )
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=12)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=7, decimal_places=3, default=Decimal("0.500"))
    length_cm = models.DecimalField(_("length (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_new = models.BooleanField(_("new"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    units_sold = models.PositiveIntegerField(_("units sold"), default=0)
    max_per_customer = models.PositiveSmallIntegerField(
        _("maximum per customer"), null=True, blank=True, help_text=_("Empty: the store's default (5).")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept by a PostgreSQL trigger (migration 0002): weighted words of name, brand,
    # category and description, and the unaccented name for typo-tolerant matching.
    search_vector = SearchVectorField(null=True, editable=False)
    search_name = models.CharField(max_length=300, blank=True, editable=False)

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "units_sold",
            "rating_average",
            "rating_count",
            *RATING_STAR_FIELDS,
            "updated_at",
            "search_vector",
            "search_name",
            "promo_percent",
            "promo_amount",
            "promo_badge",
            "sale_price",
        ]
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(base_price__gte=0), name="catalog_product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gte=F("base_price")),
                name="catalog_product_compare_at_not_below_price",
            ),
        ]
        indexes = [
            # One index per listing sort within a category, holding only what shoppers see:
            # the page query reads the first rows in order and stops (LIMIT), whatever the size.
            models.Index(
                fields=["category", "-is_featured", "-units_sold", "-id"],
                condition=ACTIVE_ONLY,
                name="catalog_prod_cat_relevance_idx",
            ),
            models.Index(
                fields=["category", "sale_price", "id"], condition=ACTIVE_ONLY, name="catalog_prod_cat_sale_idx"
            ),
            models.Index(
                fields=["category", "-created_at", "-id"], condition=ACTIVE_ONLY, name="catalog_prod_cat_newest_idx"
            ),
            models.Index(
                fields=["category", "-rating_average", "-rating_count", "-id"],
                condition=ACTIVE_ONLY,
                name="catalog_prod_cat_rating_idx",
            ),
            models.Index(
                fields=["category", "-units_sold", "-id"], condition=ACTIVE_ONLY, name="catalog_prod_cat_sold_idx"
            ),
            # Facet counts and price ranges of a category read only this index (PostgreSQL).
            models.Index(
                fields=["category", "status"], include=["brand", "sale_price", "id"], name="catalog_prod_sale_facet_idx"
            ),
            models.Index(fields=["status", "sale_price"], name="catalog_prod_sale_price_idx"),
            models.Index(fields=["status", "-units_sold"], name="catalog_prod_sold_idx"),
            models.Index(fields=["status", "-rating_average"], name="catalog_prod_rating_idx"),
            # The home page's rows: featured by sales, new arrivals by date.
            models.Index(
                fields=["-units_sold", "-id"],
                condition=ACTIVE_ONLY & Q(is_featured=True),
                name="catalog_prod_featured_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"], condition=ACTIVE_ONLY & Q(is_new=True), name="catalog_prod_new_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    _loaded_membership: tuple[str | None, int | None, int | None] | None = None
    _loaded_on_home: bool | None = None  # read from the instance's own attributes: see from_db

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Self:
        product = super().from_db(db, field_names, values)
        # As loaded: a save that changes it moves the product among its category's members, which
        # other products' pages show as related (catalog.listing_cache._moved).
        product._loaded_membership = product.membership()
        # Likewise among the home page's rows (catalog.listing_cache._on_home).
        product._loaded_on_home = product.may_show_on_home()
        return product

    def may_show_on_home(self) -> bool | None:
        """Whether the home page's rows choose among it: featured or new (a field not loaded: None)."""
        loaded = self.__dict__
        if "is_featured" not in loaded or "is_new" not in loaded:
            return None
        return bool(loaded["is_featured"] or loaded["is_new"])

    def membership(self) -> tuple[str | None, int | None, int | None]:
        """What decides which category's visible products it is among (a field not loaded: None)."""
        loaded = self.__dict__
        return loaded.get("status"), loaded.get("category_id"), loaded.get("brand_id")

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    def clean(self) -> None:
        if (
            self.base_price is not None
            and self.compare_at_price is not None
            and self.compare_at_price < self.base_price
        ):
            raise ValidationError({"compare_at_price": _("The compare-at price cannot be below the price.")})

    @property
    def purchase_limit(self) -> int:
        """Most units one customer may buy (MAX_UNITS_PER_CUSTOMER, 5, unless the product says otherwise)."""
        return self.max_per_customer or settings.MAX_UNITS_PER_CUSTOMER

    def exceeds_purchase_limit(self, *, held: int, adding: int) -> bool:
        """The one purchase-limit rule: the cart (units in it) and inventory (units the
        customer holds or bought) both ask it before taking more."""
        return held + adding > self.purchase_limit

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def price_is_secret(self) -> bool:
        """Whether shoppers may not see the price now: the product awaits the launch of a
        collection (launch_awaited). Every page, card, suggestion, JSON-LD block and cart line asks
        this before showing a price. Read from the price_reveal_at that
        ProductQuerySet.with_price_reveal() annotates, else looked up once."""
        if "price_reveal_at" not in self.__dict__:
            self.price_reveal_at = (
                Product.objects.filter(pk=self.pk)
                .with_price_reveal()
                .values_list("price_reveal_at", flat=True)  # type: ignore[misc]  # an annotation the plugin cannot see
                .first()
                if self.pk
                else None
            )
        # Compared with the clock again: a product read just before its launch shows its price after it.
        return self.price_reveal_at is not None and self.price_reveal_at > timezone.now()

    @property
    def shown_price(self) -> ShownPrice:
        """Its price after the best running automatic discount (the stored sale_price, computed
        here too so an instance not read back from the database has it), the crossed-out price and
        the saving, as every page shows them (catalog.prices)."""
        return shown_price(
            list_price=self.base_price,
            compare_at=self.compare_at_price,
            automatic_discount=unit_discount(self.base_price, percent=self.promo_percent, amount=self.promo_amount),
        )

    @property
    def has_automatic_discount(self) -> bool:
        return self.shopper_price < self.base_price

    @property
    def is_on_offer(self) -> bool:
        """On offer when sold below its compare-at price: derived, never typed in twice (a running
        automatic discount should extend this one property)."""
        return self.saving > ZERO


class Option(models.Model):
    """A dimension a variant varies in: size, color, fit, material."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OptionValue(models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="values", verbose_name=_("option"))
    value = models.CharField(_("value"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=70)
    swatch = models.CharField(_("swatch colour"), max_length=7, blank=True, help_text=_("#RRGGBB, for colours."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option value")
        verbose_name_plural = _("option values")
        ordering = ["option__order", "order", "value"]
        constraints = [
            models.UniqueConstraint(fields=["option", "slug"], name="catalog_optionvalue_slug_unique"),
            models.UniqueConstraint(fields=["option", "value"], name="catalog_optionvalue_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.option.name}: {self.value}"


class VariantQuerySet(models.QuerySet["Variant"]):
    def update(self, **kwargs: Any) -> int:
        """A bulk update sends no signal: announce it to the caches here, as its variants' products."""
        rows = set(
            self.values_list("product_id", "product__category_id", "product__brand_id")[
                : catalog_version.MARKED_AT_MOST + 1
            ]
        )
        if len({product for product, *_ in rows}) > catalog_version.MARKED_AT_MOST:
            catalog_version.bump_after_write()
        else:
            catalog_version.mark_after_write(
                products={product for product, *_ in rows},
                contents={category for _product, category, _brand in rows},
                brands={brand for *_, brand in rows},
            )
        return super().update(**kwargs)


class Variant(ShownPriceFigures, models.Model):
    """The unit that is stocked and sold: a SKU with its option values and price modifier."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product"))
    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    option_values = models.ManyToManyField(
        OptionValue, blank=True, related_name="variants", verbose_name=_("option values")
    )
    price_modifier = models.DecimalField(
        _("price modifier"), **money_field, default=ZERO, help_text=_("Added to the product's price; may be negative.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = VariantQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["order", "sku"]

    def __str__(self) -> str:
        return self.sku

    @property
    def option_label(self) -> str:
        """Its option values as a shopper reads them ("M, Negro"); empty for a single variant."""
        return ", ".join(value.value for value in self.option_values.all())

    @property
    def options_named(self) -> str:
        """Its option values with their options' names ("Talla: M · Color: Negro"), as the cart, the
        order's lines and the back-in-stock alert name the option chosen; empty for a single variant."""
        return " · ".join(f"{value.option.name}: {value.value}" for value in self.option_values.all())

    @property
    def shopper_name(self) -> str:
        """The name a shopper knows this variant by, "Teclado X (Rojo)": never its SKU or id.
        Prefetch option_values when naming many."""
        label = self.option_label
        return f"{self.product.name} ({label})" if label else self.product.name

    @property
    def price(self) -> Decimal:
        """The effective price, IGV included."""
        return self.product.base_price + self.price_modifier

    @property
    def compare_at_price(self) -> Decimal | None:
        if self.product.compare_at_price is None:
            return None
        return self.product.compare_at_price + self.price_modifier

    @property
    def shown_price(self) -> ShownPrice:
        """After the product's best running automatic discount (as listings show it), with the
        crossed-out price and the saving (catalog.prices)."""
        product = self.product
        return shown_price(
            list_price=self.price,
            compare_at=self.compare_at_price,
            automatic_discount=unit_discount(self.price, percent=product.promo_percent, amount=product.promo_amount),
        )

    def clean(self) -> None:
        if self.product_id is not None and self.product.base_price + (self.price_modifier or ZERO) < 0:
            raise ValidationError({"price_modifier": _("The variant's price would be negative.")})


class BundleComponent(models.Model):
    """One line of a bundle: a bundle product is sold as its own SKU but holds no stock of its
    own; its units are its components' (inventory expands a bundle into these at every hold,
    sale and return, so the ledger stays per component)."""

    bundle = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="bundle_components",
        verbose_name=_("bundle"),
        limit_choices_to={"product_type": "bundle"},
    )
    component = models.ForeignKey(
        Variant,
        on_delete=models.PROTECT,
        related_name="in_bundles",
        verbose_name=_("component"),
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("bundle component")
        verbose_name_plural = _("bundle components")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "component"], name="catalog_bundlecomponent_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="catalog_bundlecomponent_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.component}"

    def clean(self) -> None:
        if self.component_id is None or self.bundle_id is None:
            return
        if self.component.product_id == self.bundle_id:
            raise ValidationError({"component": _("A bundle cannot contain itself.")})
        if self.component.product.product_type == Product.Type.BUNDLE:
            raise ValidationError(
                {"component": _("A bundle's components must be products sold on their own, not other bundles.")}
            )


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product"))
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, null=True, blank=True, related_name="images", verbose_name=_("variant")
    )
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/")
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.alt or self.image.name


class PriceHistory(AppendOnlyModel):
    """Append-only record of every change of a variant's effective price, with who and when.
    Deleting rows is left to catalog resets (demo data); nothing edits them."""

    append_only_message = "Price history is append-only."
    bulk_delete_allowed = True  # a demo catalog reset clears it

    variant = models.ForeignKey(
        Variant, on_delete=models.PROTECT, related_name="price_history", verbose_name=_("variant")
    )
    price = models.DecimalField(_("price"), **money_field)
    previous_price = models.DecimalField(_("previous price"), **money_field, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    source = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price history")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.variant}: {format_money(self.price)}"


class Kit(models.Model):
    """A design template of products sold together ("Kit Oficina"): adding it adds its items."""

    class Room(models.TextChoices):
        OFFICE = "office", _("Office")
        LIVING = "living", _("Living room")
        BEDROOM = "bedroom", _("Bedroom")
        DINING = "dining", _("Dining room")
        GAMING = "gaming", _("Gaming room")
        OUTFIT = "outfit", _("Outfit")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    cover = models.ImageField(_("cover"), upload_to="kits/", blank=True)
    room_type = models.CharField(_("room type"), max_length=20, choices=Room.choices, blank=True)
    style_tags = models.JSONField(_("style tags"), default=list, blank=True)
    discount_percent = models.DecimalField(
        _("kit discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("90"))],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kit")
        verbose_name_plural = _("kits")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=90), name="catalog_kit_discount_range"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:kit", args=[self.slug])


class KitItem(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items", verbose_name=_("kit"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    is_optional = models.BooleanField(_("optional"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("kit item")
        verbose_name_plural = _("kit items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "product"], name="catalog_kititem_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="catalog_kititem_quantity_positive"),
        ]

    # What catalog.selectors.kit_page sets on each item it shows (not columns).
    choices: list[SimpleNamespace]
    sold_out: bool
    chosen: "Variant | None"
    awaits_launch: bool
    ticked: bool

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"


class Collection(models.Model):
    """A drop, a season or a collab with a time window (a drop's products sell from its start)."""

    class Type(models.TextChoices):
        DROP = "drop", _("Drop")
        SEASONAL = "seasonal", _("Seasonal")
        COLLAB = "collab", _("Collab")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    collection_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.DROP)
    description = models.TextField(_("description"), blank=True)
    hero_image = models.ImageField(_("hero image"), upload_to="collections/", blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    products: "models.ManyToManyField[Product, CollectionItem]" = models.ManyToManyField(
        Product, through="CollectionItem", related_name="collections", verbose_name=_("products")
    )

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="catalog_collection_window"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:collection", args=[self.slug])

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.has_started(now) and not self.has_ended(now)


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="collection_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("collection product")
        verbose_name_plural = _("collection products")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["collection", "product"], name="catalog_collectionitem_unique")]

    def __str__(self) -> str:
        return f"{self.collection} · {self.product}"


def launch_awaited(product_ref: OuterRef, *, now: Moment | None = None) -> Case:
    """The one rule of "not launched yet", as an expression over a product id (product_ref, an
    OuterRef): the start of the earliest active collection holding the product that has not
    started, or NULL when a live collection sells it already or none is ahead. Until that moment
    the product cannot be bought and its price stays secret (collections announce "prices are
    revealed at launch")."""
    now = now or timezone.now()
    items = CollectionItem.objects.filter(product_id=product_ref, collection__is_active=True)
    live = items.filter(collection__starts_at__lte=now).filter(
        Q(collection__ends_at__isnull=True) | Q(collection__ends_at__gt=now)
    )
    ahead = (
        items.filter(collection__starts_at__gt=now).order_by("collection__starts_at").values("collection__starts_at")
    )
    return Case(When(Exists(live), then=Value(None)), default=Subquery(ahead[:1]), output_field=DateTimeField())


def awaiting_launch(now: datetime | None = None) -> "models.QuerySet[CollectionItem, dict[str, Any]]":
    """The ids of the products launch_awaited holds back now, as a subquery (a handful of rows:
    the items of collections ahead), for filters that cannot read a per-row annotation."""
    now = now or timezone.now()
    return (
        CollectionItem.objects.filter(collection__is_active=True, collection__starts_at__gt=now)
        .annotate(reveal_at=launch_awaited(OuterRef("product_id"), now=now))
        .filter(reveal_at__isnull=False)
        .values("product_id")
    )


class AwaitingLaunch(Expression):
    """Whether a product (an expression of its id, its own pk by default) is one awaiting_launch()
    holds back now, for a condition evaluated on every row of a big scope (a listing's facet pass over a
    category's 50,000 products). On PostgreSQL the handful of ids is read once into an array and each
    row compares against it (`= ANY(ARRAY(...))`), about a third of the cost per row of the hashed
    `IN (subquery)` elsewhere, which it answers the same (the ids are never NULL)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, product: Any = None, now: datetime | None = None) -> None:
        super().__init__()
        self.product = product if product is not None else F("pk")
        self.held_back = Subquery(awaiting_launch(now))

    def get_source_expressions(self) -> list[Any]:
        return [self.product, self.held_back]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.product, self.held_back = exprs

    def _parts(self, compiler: Any) -> tuple[str, str, list[Any]]:
        product_sql, product_params = compiler.compile(self.product)
        held_back_sql, held_back_params = compiler.compile(self.held_back)  # "(SELECT ...)"
        return product_sql, held_back_sql, [*product_params, *held_back_params]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        product_sql, held_back_sql, params = self._parts(compiler)
        return f"{product_sql} IN {held_back_sql}", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        product_sql, held_back_sql, params = self._parts(compiler)
        return f"{product_sql} = ANY(ARRAY{held_back_sql})", params


def validate_link(value: str) -> None:
    """A store path (/c/sofas/) or an https URL; never javascript: or data: links."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["https"])(value)


class BannerQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return (
            self.filter(is_active=True)
            .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        )


class Banner(models.Model):
    """A homepage carousel slide with its own active window."""

    title = models.CharField(_("title"), max_length=120)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    button_text = models.CharField(_("button text"), max_length=40, blank=True)
    image_desktop = models.ImageField(_("desktop image"), upload_to="banners/")
    image_mobile = models.ImageField(_("mobile image"), upload_to="banners/", blank=True)
    target_url = models.CharField(
        _("target URL"),
        max_length=300,
        blank=True,
        validators=[validate_link],
        help_text=_("A store path such as /c/sofas/ or an https:// address."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        verbose_name = _("banner")
        verbose_name_plural = _("banners")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


def scheduled_changes(*, now=None) -> dict[str, datetime | None]:
    """The next moment an active collection starts or ends ("collections": until then every product
    keeps its launch state, price secret or shown, buyable or not) and an active banner does
    ("banners": the home page's carousel holds until then), read together in one query: the pages
    that hold until these moments ask for both on their first render."""
    now = now or timezone.now()

    def next_moments(model, name: str):
        # A constant group: one row per table, of NULLs when nothing is ahead.
        return (
            model.objects.filter(is_active=True)
            .order_by()
            .annotate(schedule=Value(name))
            .values("schedule")
            .annotate(
                start=Min("starts_at", filter=Q(starts_at__gt=now)),
                end=Min("ends_at", filter=Q(ends_at__gt=now)),
            )
            .values_list("schedule", "start", "end")
        )

    found = {
        name: min((moment for moment in (start, end) if moment is not None), default=None)
        for name, start, end in next_moments(Collection, "collections").union(next_moments(Banner, "banners"), all=True)
    }
    return {"collections": found.get("collections"), "banners": found.get("banners")}


class SearchTerm(models.Model):
    """A word that appears in product, brand, category or family names (unaccented,
    lower case). Kept by the search trigger on PostgreSQL; typo correction looks up the
    closest term by trigram similarity in this small table instead of in every product."""

    word = models.CharField(max_length=80, primary_key=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.word


class ProductOptionValue(models.Model):
    """Derived: "this product sells this option value in an active variant". Listing
    facets and option filters read this one narrow table instead of joining variants
    to their option values; catalog.services keeps it current in the transaction of each write
    that changes it (catalog.option_index)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    option_value = models.ForeignKey(OptionValue, on_delete=models.CASCADE, related_name="+")
    # The product's category, copied so that a listing's option facet reads one index range
    # instead of probing once per product in scope.
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "option_value"], name="catalog_productoptionvalue_unique")
        ]
        indexes = [
            models.Index(fields=["option_value", "product"], name="catalog_pov_value_product_idx"),
            models.Index(fields=["category", "option_value", "product"], name="catalog_pov_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.option_value.value}"


class CategoryCounts(models.Model):
    """Derived: the facet counts of one category's active products (catalog.listing's facet pass and
    option counts, grouped as they are), so that an unfiltered category or family listing sums a few
    rows instead of counting its products (issue 50: cold listings of a 500,000-product catalog).
    `written` is raised in the transaction of every write of the category's products
    (catalog.catalog_version, with the marks); a refresh stores the counts it computed as of the
    `written` it read first, so the counts are current exactly when `counted` equals `written`
    (catalog.category_counts)."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE, primary_key=True, related_name="+")
    written = models.BigIntegerField(default=1)
    counted = models.BigIntegerField(default=0)
    # Rows of catalog.listing.stats_rows (prices as strings) and {option value id: products}.
    stats = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    # When a collection holding one of its products next starts or ends (a launch reveals prices).
    valid_until = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.category_id}: {self.counted}/{self.written}"


class ScheduledPrice(models.Model):
    """A price change decided now for later: a variant's or a whole category's price
    set to a new amount or moved by a percentage from `starts_at`, and put back at `ends_at`
    when there is one. catalog.tasks applies it at its boundaries (Celery beat); the change is
    made on the same fields the cart and checkout price from, so a page never shows a price the
    cart would not charge, and every change lands in the price history as its scheduler's."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        PRICE = "price", _("New price")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", pgettext_lazy("scheduled price status", "Cancelled")  # "Anulado": a cambio de precio

    variant = models.ForeignKey(
        Variant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_prices",
        verbose_name=_("variant"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheduled_prices",
        verbose_name=_("category"),
        help_text=_("Every product of the category and of its subcategories."),
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("100"))],
        help_text=_("Negative lowers the price (-15 is 15 percent off), positive raises it."),
    )
    new_price = models.DecimalField(
        _("new price"),
        **money_field,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("IGV included."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(
        _("ends at"),
        null=True,
        blank=True,
        help_text=_("Empty: the new price stays. At the end the previous price returns."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED, editable=False
    )
    # What the change replaced, to put it back at the end: {"products": {id: [base, compare_at]}}
    # for a category, {"modifier": "…"} for a variant.
    previous = models.JSONField(_("previous prices"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("scheduled price")
        verbose_name_plural = _("scheduled prices")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(variant__isnull=False, category__isnull=True)
                | Q(variant__isnull=True, category__isnull=False),
                name="catalog_scheduledprice_one_target",
            ),
            models.CheckConstraint(
                condition=Q(kind="percent", percent__isnull=False, new_price__isnull=True)
                | Q(kind="price", new_price__isnull=False, percent__isnull=True),
                name="catalog_scheduledprice_kind_value",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="catalog_scheduledprice_window"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="catalog_schedprice_due_idx")]

    def __str__(self) -> str:
        target = self.variant or self.category
        change = f"{self.percent:+}%" if self.kind == self.Kind.PERCENT else format_money(self.new_price)
        return f"{target}: {change}"

    def clean(self) -> None:
        if (self.variant_id is None) == (self.category_id is None):
            raise ValidationError(_("Choose either a variant or a category."))
        if self.kind == self.Kind.PERCENT:
            if self.percent is None:
                raise ValidationError({"percent": _("Enter the percentage.")})
            if self.percent == 0:
                raise ValidationError({"percent": _("A change of 0 percent changes nothing.")})
            self.new_price = None
        else:
            if self.new_price is None:
                raise ValidationError({"new_price": _("Enter the new price.")})
            self.percent = None
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})
        if self._state.adding and self.starts_at and self.starts_at <= timezone.now():
            raise ValidationError({"starts_at": _("The start must be in the future.")})
        if self.starts_at and self.overlapping().exists():
            raise ValidationError(
                _("Another scheduled price changes the same prices in this period; change or cancel it first.")
            )

    def overlapping(self):
        """Scheduled or running changes of the same prices whose windows meet this one's: the
        same variant, or a category above or below this one (their ends would undo each other)."""
        others = ScheduledPrice.objects.filter(status__in=[self.Status.SCHEDULED, self.Status.RUNNING]).exclude(
            pk=self.pk
        )
        if self.ends_at is not None:
            others = others.filter(starts_at__lt=self.ends_at)
        others = others.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=self.starts_at))
        if self.variant_id is not None:
            return others.filter(variant_id=self.variant_id)
        related = category_subtree(self.category_id) | category_ancestors(self.category_id)
        return others.filter(category_id__in=related)

    @property
    def target_label(self) -> str:
        return str(self.variant or self.category or "")

    def new_amount(self, current: Decimal) -> Decimal:
        """The price this change gives to something that costs `current` now."""
        if self.kind == self.Kind.PRICE:
            assert self.new_price is not None  # clean() asks a price change for its price
            return self.new_price
        assert self.percent is not None  # and a percent change for its percent
        changed = current * (Decimal("100") + self.percent) / Decimal("100")
        return max(changed.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), ZERO)


def category_subtree(category_id: int) -> set[int]:
    """The category and every category below it (the tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [category_id]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children.get(node, []))
    return found


def category_ancestors(category_id: int) -> set[int]:
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    found, node = set(), parents.get(category_id)
    while node is not None and node not in found:
        found.add(node)
        node = parents.get(node)
    return found
