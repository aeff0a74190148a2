from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.admin_importing import ScopedImportExportMixin
from accounts.admin_scoping import SellerChoicesAdminMixin, SellerScopedAdminMixin, seller_scope
from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin, ScopedHistoryAdmin
from core.money import format_money

from .forms import SpecsField, TagsField
from .models import (
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
    ScheduledPrice,
    Variant,
)
from .resources import ProductPriceResource, ProductResource, VariantResource
from .selectors import admin_product_search
from .services import (
    product_save,
    products_set_status,
    scheduled_price_cancel,
    scheduled_price_save,
    seller_statuses,
    variant_save,
)


def _option_values_posted(form):
    """The option values a form changed (None: it left them as they were)."""
    return form.cleaned_data.get("option_values") if "option_values" in form.changed_data else None


class SavedThroughServicesMixin:
    """Saves go through catalog.services, which keep the price history and the facet index in
    step (placed right before the history admin, after the seller scoping has run). A variant is
    never deleted: its price history protects it (deactivate it instead)."""

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if isinstance(obj, Variant):
            variant_save(variant=obj, option_values=_option_values_posted(form), actor=request.user)
        else:
            product_save(product=obj, actor=request.user)


class SpecsRowsMixin:
    """JSON fields edited as what they hold: specifications as rows of name and value, tags as a list
    separated by commas (never a raw JSON text box)."""

    rows_fields = {"specs": SpecsField, "base_specs": SpecsField, "style_tags": TagsField}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.rows_fields:
            kwargs["form_class"] = self.rows_fields[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def thumbnail(image_field, size: int = 48):
    if not image_field:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}">',  # attributes, not a style (CSP)
        image_field.url,
        size,
        size,
    )


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(SellerChoicesAdminMixin, ScopedHistoryAdmin):
    list_display = ["name", "family", "parent", "order", "is_active"]
    list_filter = ["family", "is_active"]
    list_editable = ["order", "is_active"]
    list_select_related = ["family", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]


@admin.register(Brand)
class BrandAdmin(SellerChoicesAdminMixin, ScopedHistoryAdmin):
    list_display = ["logo_thumbnail", "name", "country", "is_active"]
    list_display_links = ["name"]
    list_filter = ["is_active", "country"]
    fields = ["name", "slug", "logo", "country", "description", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        return thumbnail(obj.logo, 32)


@admin.register(ProductLine)
class ProductLineAdmin(SpecsRowsMixin, SellerChoicesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "manufacturer", "category", "rating_average", "rating_count", "is_active"]
    list_filter = ["is_active", "category__family"]
    list_select_related = ["category"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "manufacturer"]
    autocomplete_fields = ["category"]
    # Figures its products' reviews keep: shown, never typed.
    readonly_fields = ["rating_average", "rating_count", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5"]


class OptionValueInline(admin.TabularInline):
    model = OptionValue
    extra = 0
    prepopulated_fields = {"slug": ["value"]}


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [OptionValueInline]
    search_fields = ["name"]


@admin.register(OptionValue)
class OptionValueAdmin(SellerChoicesAdminMixin, admin.ModelAdmin):
    """Sizes and colours are shared by every product: a seller adds the ones they sell in (from the
    product form's "+" too) but changes none, since other sellers' variants use them."""

    seller_choices = {}  # every value of every option
    list_display = ["value", "option", "swatch", "order"]
    prepopulated_fields = {"slug": ["value"]}
    list_filter = ["option"]
    list_select_related = ["option"]
    search_fields = ["value", "option__name"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "option_values", "price_modifier", "effective_price", "is_active", "order"]
    readonly_fields = ["effective_price"]
    autocomplete_fields = ["option_values"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product").prefetch_related("option_values__option")

    @admin.display(description=_("price"))
    def effective_price(self, obj):
        return format_money(obj.price) if obj.pk else "—"


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "variant", "alt", "order"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj.image, 64)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "variant":
            product_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Variant.objects.filter(product_id=product_id) if product_id else Variant.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BundleComponentInline(admin.TabularInline):
    """A bundle's components (only shown for products of type "bundle")."""

    model = BundleComponent
    fk_name = "bundle"
    extra = 0
    fields = ["component", "quantity", "order"]
    autocomplete_fields = ["component"]


@admin.register(Product)
class ProductAdmin(
    SpecsRowsMixin, ScopedImportExportMixin, SellerScopedAdminMixin, SavedThroughServicesMixin, ScopedHistoryAdmin
):
    resource_classes = [ProductResource, ProductPriceResource]
    # What the shop puts forward on its pages (featured) is the staff's choice, not a seller's.
    scoped_readonly_fields = ("seller", "is_featured")
    list_display = [
        "image_thumbnail",
        "name",
        "base_sku",
        "brand",
        "category",
        "price",
        "status",
        "is_featured",
        "seller",
    ]
    list_display_links = ["image_thumbnail", "name"]
    list_filter = ["status", "is_featured", "is_new", "category__family", "category", "brand", "seller"]
    list_select_related = ["brand", "category", "seller"]
    # What get_search_results reads (catalog.selectors.admin_product_search); named here for the search box.
    search_fields = ["name", "base_sku", "model_number", "variants__sku"]
    search_help_text = _("Search by name, base SKU, model number or variant SKU.")
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["brand", "category", "line", "seller"]
    readonly_fields = ["units_sold", "rating_average", "rating_count", "created_at", "updated_at", "price_history"]
    inlines = [VariantInline, BundleComponentInline, ProductImageInline]
    actions = ["activate", "submit_for_review", "approve", "deactivate", "feature", "unfeature"]
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over a large catalog on every page is wasted work
    fieldsets = (
        (None, {"fields": ("name", "slug", "base_sku", "model_number", "product_type", "status", "seller")}),
        (_("Classification"), {"fields": ("brand", "category", "line", "is_featured", "is_new")}),
        (_("Price (IGV included)"), {"fields": ("base_price", "compare_at_price", "max_per_customer")}),
        (_("Description"), {"fields": ("description", "specs", "warranty_months")}),
        (_("Shipping"), {"fields": ("weight_kg", "length_cm", "width_cm", "height_cm")}),
        (_("Figures"), {"fields": ("units_sold", "rating_average", "rating_count", "created_at", "updated_at")}),
        (_("Price history"), {"fields": ("price_history",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and seller_scope(request) is not None:
            # A seller publishes only when the store does not review their products: a posted
            # "active" is then not a choice of their form (get_form builds fresh fields each time).
            allowed = seller_statuses(current=obj.status if obj is not None else None)
            status.choices = [(value, label) for value, label in status.choices if value in allowed]
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        if seller_scope(request) is None:
            actions.pop("submit_for_review", None)  # staff publish with "approve" or "activate"
        else:
            for name in ("approve", "feature", "unfeature"):
                actions.pop(name, None)
            if Product.Status.ACTIVE not in seller_statuses(current=None):
                actions.pop("activate", None)
            else:
                actions.pop("submit_for_review", None)
        return actions

    def save_formset(self, request, form, formset, change):
        """The variants inline through catalog.services, each with the option values its row posted."""
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # deleting a row is refused by the form: its price history protects it
        rows = {id(row.instance): row for row in formset.forms}
        for variant in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            variant_save(variant=variant, option_values=_option_values_posted(rows[id(variant)]), actor=request.user)

    def get_inlines(self, request, obj):
        # Components only mean something on a bundle (choose the type, save, then add them).
        if obj is None or obj.product_type != Product.Type.BUNDLE:
            return [inline for inline in self.inlines if inline is not BundleComponentInline]
        return self.inlines

    def get_search_results(self, request, queryset, search_term):
        # The admin's own search joins the variants and wraps it in EXISTS, read for every product: on a
        # large catalog that is seconds; this one reads the trigram indexes (migration 0017), no duplicates.
        return admin_product_search(queryset, search_term), False

    def get_queryset(self, request):
        first_image = Prefetch(
            "images", queryset=ProductImage.objects.filter(variant__isnull=True).order_by("order", "pk")
        )
        return super().get_queryset(request).prefetch_related(first_image)

    @admin.display(description=_("image"))
    def image_thumbnail(self, obj):
        images = list(obj.images.all())
        return thumbnail(images[0].image) if images else "—"

    @admin.display(description=_("price"), ordering="base_price")
    def price(self, obj):
        return format_money(obj.base_price)

    @admin.display(description=_("last price changes"))
    def price_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = (
            PriceHistory.objects.filter(variant__product=obj)
            .select_related("variant", "changed_by")
            .order_by("-changed_at", "-pk")[:30]
        )
        if not rows:
            return "—"
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(row.changed_at).strftime("%Y-%m-%d %H:%M"),  # Lima's time, not UTC
                    row.variant.sku,
                    format_money(row.previous_price) or "—",
                    format_money(row.price),
                    row.changed_by or "—",
                )
                for row in rows
            ),
        )
        return format_html(
            '<div class="admin-table-scroll"><table><thead><tr><th>{}</th><th>SKU</th><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table></div>",
            _("when"),
            _("before"),
            _("after"),
            _("who"),
            body,
        )

    def _set(self, request, queryset, message: str, **values):
        count = queryset.update(**values)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def _set_status(self, request, queryset, message, status: str, from_statuses=None):
        count = products_set_status(
            product_ids=list(queryset.values_list("pk", flat=True)),
            status=status,
            from_statuses=from_statuses,
            actor=request.user,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Activate the selected products"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(
            request,
            queryset,
            ngettext_lazy("%(count)d product activated.", "%(count)d products activated.", "count"),
            Product.Status.ACTIVE,
        )

    @admin.action(description=_("Submit the selected products for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._set_status(
            request,
            queryset,
            ngettext_lazy(
                "%(count)d product submitted for review.", "%(count)d products submitted for review.", "count"
            ),
            Product.Status.REVIEW,
            from_statuses=[Product.Status.DRAFT, Product.Status.INACTIVE],
        )

    @admin.action(description=_("Approve the selected products (publish them)"), permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(
            request,
            queryset,
            ngettext_lazy(
                "%(count)d product approved and published.", "%(count)d products approved and published.", "count"
            ),
            Product.Status.ACTIVE,
            from_statuses=[Product.Status.REVIEW],
        )

    @admin.action(description=_("Deactivate the selected products"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_status(
            request,
            queryset,
            ngettext_lazy("%(count)d product deactivated.", "%(count)d products deactivated.", "count"),
            Product.Status.INACTIVE,
        )

    @admin.action(description=_("Feature the selected products"), permissions=["change"])
    def feature(self, request, queryset):
        self._set(
            request,
            queryset,
            ngettext_lazy("%(count)d product featured.", "%(count)d products featured.", "count"),
            is_featured=True,
        )

    @admin.action(description=_("Stop featuring the selected products"), permissions=["change"])
    def unfeature(self, request, queryset):
        self._set(
            request,
            queryset,
            ngettext_lazy("%(count)d product no longer featured.", "%(count)d products no longer featured.", "count"),
            is_featured=False,
        )


@admin.register(Variant)
class VariantAdmin(
    ScopedImportExportMixin, MoneyAdminMixin, SellerScopedAdminMixin, SavedThroughServicesMixin, ScopedHistoryAdmin
):
    resource_classes = [VariantResource]
    money_fields = ("price_modifier",)
    seller_field = "product__seller"
    list_display = ["sku", "product", "price_modifier", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["product"]
    search_fields = ["sku", "product__name"]
    autocomplete_fields = ["product", "option_values"]


@admin.register(PriceHistory)
class PriceHistoryAdmin(MoneyAdminMixin, ReadOnlyAdminMixin, SellerScopedAdminMixin, admin.ModelAdmin):
    """Read-only: the price history is never edited or deleted."""

    money_fields = ("previous_price", "price")
    seller_field = "variant__product__seller"
    list_display = ["changed_at", "variant", "previous_price", "price", "changed_by", "source"]
    list_select_related = ["variant", "changed_by"]
    list_filter = ["source", "changed_at"]
    search_fields = ["variant__sku", "variant__product__name"]
    date_hierarchy = "changed_at"


class KitItemInline(admin.TabularInline):
    model = KitItem
    extra = 1
    autocomplete_fields = ["product"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")  # each row is named by its product


@admin.register(Kit)
class KitAdmin(SpecsRowsMixin, admin.ModelAdmin):
    list_display = ["cover_thumbnail", "name", "room_type", "discount_percent", "is_active"]
    list_display_links = ["cover_thumbnail", "name"]
    list_filter = ["room_type", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [KitItemInline]

    @admin.display(description=_("cover"))
    def cover_thumbnail(self, obj):
        return thumbnail(obj.cover)


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 1
    autocomplete_fields = ["product"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")  # each row is named by its product


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["hero_thumbnail", "name", "collection_type", "starts_at", "ends_at", "is_active"]
    list_display_links = ["hero_thumbnail", "name"]
    list_filter = ["collection_type", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    date_hierarchy = "starts_at"
    inlines = [CollectionItemInline]

    @admin.display(description=_("hero"))
    def hero_thumbnail(self, obj):
        return thumbnail(obj.hero_image)


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["desktop_thumbnail", "title", "order", "is_active", "starts_at", "ends_at"]
    list_display_links = ["desktop_thumbnail", "title"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title"]

    @admin.display(description=_("image"))
    def desktop_thumbnail(self, obj):
        return thumbnail(obj.image_desktop, 64)


@admin.register(ScheduledPrice)
class ScheduledPriceAdmin(admin.ModelAdmin):
    """Price changes decided ahead: Celery beat applies them at their start and puts the previous
    price back at their end (catalog.tasks). Running and ended ones are kept as a record."""

    list_display = ["target", "change", "starts_at", "ends_at", "status", "created_by", "applied_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["variant", "category", "created_by"]
    autocomplete_fields = ["variant", "category"]
    search_fields = ["variant__sku", "variant__product__name", "category__name"]
    date_hierarchy = "starts_at"
    fields = [
        "variant",
        "category",
        "kind",
        "percent",
        "new_price",
        "starts_at",
        "ends_at",
        "status",
        "created_by",
        "created_at",
        "applied_at",
        "ended_at",
    ]
    readonly_fields = ["status", "created_by", "created_at", "applied_at", "ended_at"]
    actions = ["cancel"]

    @admin.display(description=_("applies to"))
    def target(self, obj):
        return obj.target_label

    @admin.display(description=_("change"))
    def change(self, obj):
        return f"{obj.percent:+}%" if obj.kind == ScheduledPrice.Kind.PERCENT else format_money(obj.new_price)

    def has_change_permission(self, request, obj=None):
        # Only a change still waiting for its start may be edited; the rest is a record.
        if obj is not None and obj.status != ScheduledPrice.Status.SCHEDULED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != ScheduledPrice.Status.SCHEDULED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        scheduled_price_save(scheduled=obj, actor=request.user)

    @admin.action(description=_("Cancel the selected scheduled prices (not yet started)"))
    def cancel(self, request, queryset):
        cancelled = sum(scheduled_price_cancel(scheduled_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext_lazy("%(count)d scheduled price cancelled.", "%(count)d scheduled prices cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )
