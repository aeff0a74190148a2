import csv
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import MoneyAdminMixin, ReadOnlyAdminMixin
from core.money import format_money

from .forms import CouponGenerateForm
from .models import AutomaticDiscount, Coupon, CouponRedemption, QuantityOffer, Scope
from .selectors import discount_products, quantity_offer_products
from .services import (
    coupons_generate,
    discount_changed,
    discount_prices_sync,
    quantity_offer_badges_sync,
    quantity_offer_changed,
)
from .stacking import unit_discount

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django_stubs_ext import StrOrPromise

SCOPE_FIELDSET: "tuple[StrOrPromise, _FieldOpts]" = (
    _("Applies to"),
    {
        "fields": ("scope", "products", "categories", "brands", "sellers", "collections"),
        "description": _("Fill only the list that matches “applies to”; a category includes its subcategories."),
    },
)
PREVIEW_SIZE = 50


def window(obj) -> str:
    start = timezone.localtime(obj.starts_at).strftime("%d/%m/%Y %H:%M")
    end = timezone.localtime(obj.ends_at).strftime("%d/%m/%Y %H:%M") if obj.ends_at else "∞"
    return f"{start} → {end}"


class LiveFilter(admin.SimpleListFilter):
    title = _("running now")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        live = queryset.model.objects.live().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=live)
        if self.value() == "no":
            return queryset.exclude(pk__in=live)
        return queryset


class CouponRedemptionInline(MoneyAdminMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = CouponRedemption
    money_fields = ("amount",)
    fields = ("order", "customer", "email", "amount", "created_at", "released_at")
    readonly_fields = fields
    extra = 0
    ordering = ["-created_at"]


@admin.register(Coupon)
class CouponAdmin(MoneyAdminMixin, admin.ModelAdmin):
    money_fields = ("minimum_purchase",)
    list_display = [
        "code",
        "name",
        "kind",
        "value_display",
        "minimum_purchase",
        "usage",
        "redemption_count",
        "validity",
        "is_active",
    ]
    list_filter = ["is_active", LiveFilter, "kind", "scope", "first_order_only", "batch"]
    search_fields = ["code", "name", "batch"]
    readonly_fields = ["uses", "created_at"]
    autocomplete_fields = ["products", "categories", "brands", "sellers", "collections"]
    inlines = [CouponRedemptionInline]
    actions = ["generate_like"]
    fieldsets = [
        (None, {"fields": ("code", "name", "kind", "value", "is_active")}),
        (
            _("Conditions"),
            {
                "fields": (
                    "minimum_purchase",
                    "max_uses",
                    "max_uses_per_customer",
                    "first_order_only",
                    "starts_at",
                    "ends_at",
                )
            },
        ),
        SCOPE_FIELDSET,
        (_("Usage"), {"fields": ("uses", "batch", "created_at")}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(redeemed=Count("redemptions", filter=Q(redemptions__released_at__isnull=True)))
        )

    @admin.display(description=_("value"))
    def value_display(self, obj):
        if obj.kind == Coupon.Kind.PERCENTAGE:
            return f"{obj.value.normalize():f} %"
        if obj.kind == Coupon.Kind.FIXED:
            return format_money(obj.value)
        return _("Free shipping")

    @admin.display(description=_("uses"), ordering="uses")
    def usage(self, obj):
        return f"{obj.uses} / {obj.max_uses}" if obj.max_uses is not None else f"{obj.uses} / ∞"

    @admin.display(description=_("orders"), ordering="redeemed")
    def redemption_count(self, obj):
        return obj.redeemed

    @admin.display(description=_("validity"))
    def validity(self, obj):
        return window(obj)

    @admin.action(description=_("Generate codes like the selected coupon"))
    def generate_like(self, request, queryset):
        first = queryset.order_by("pk").first()
        return redirect(reverse("admin:promotions_coupon_generate") + f"?template={first.pk}")

    def get_urls(self):
        return [
            path("generate/", self.admin_site.admin_view(self.generate_view), name="promotions_coupon_generate"),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        """Bulk codes: the form, then a CSV download of the codes created."""
        if not self.has_add_permission(request):
            return redirect("admin:promotions_coupon_changelist")
        form = CouponGenerateForm(request.POST or None, initial={"template": request.GET.get("template")})
        if request.method == "POST" and form.is_valid():
            created = coupons_generate(
                template=form.cleaned_data["template"],
                count=form.cleaned_data["count"],
                prefix=form.cleaned_data["prefix"],
            )
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{created[0].batch}.csv"'
            writer = csv.writer(response)
            writer.writerow(["code", "kind", "value", "minimum_purchase", "max_uses", "starts_at", "ends_at"])
            for coupon in created:
                writer.writerow(
                    [
                        coupon.code,
                        coupon.kind,
                        coupon.value,
                        coupon.minimum_purchase,
                        coupon.max_uses or "",
                        coupon.starts_at.isoformat(),
                        coupon.ends_at.isoformat() if coupon.ends_at else "",
                    ]
                )
            messages.success(
                request,
                _("%(count)d codes created in batch %(batch)s.") % {"count": len(created), "batch": created[0].batch},
            )
            return response
        return TemplateResponse(
            request,
            "admin/promotions/coupon/generate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "title": _("Generate coupon codes"),
            },
        )


class ScopedPromotionAdmin(admin.ModelAdmin):
    """What the admins of automatic discounts and quantity offers share: their scope's size (from the
    targets promotions.services keeps) and their window in the list."""

    list_filter = ["is_active", LiveFilter, "kind", "scope"]
    search_fields = ["name"]
    readonly_fields = ["products_preview", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(covered=Count("targets"))

    @admin.display(description=_("products"), ordering="covered")
    def product_count(self, obj):
        return _("all") if obj.scope == Scope.EVERYTHING else obj.covered

    @admin.display(description=_("validity"))
    def validity(self, obj):
        return window(obj)


@admin.register(AutomaticDiscount)
class AutomaticDiscountAdmin(ScopedPromotionAdmin):
    list_display = ["name", "kind", "value_display", "scope", "priority", "product_count", "validity", "is_active"]
    autocomplete_fields = ["products", "categories", "brands", "sellers", "collections"]
    fieldsets = [
        (None, {"fields": ("name", "kind", "value", "priority", "is_active", "starts_at", "ends_at")}),
        SCOPE_FIELDSET,
        (_("Products it covers"), {"fields": ("products_preview",)}),
    ]

    @admin.display(description=_("value"))
    def value_display(self, obj):
        return (
            f"{obj.value.normalize():f} %" if obj.kind == AutomaticDiscount.Kind.PERCENTAGE else format_money(obj.value)
        )

    @admin.display(description=_("preview"))
    def products_preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the discount to see the products it covers.")
        products = discount_products(obj)
        total = products.count()
        percent = obj.value if obj.kind == AutomaticDiscount.Kind.PERCENTAGE else 0
        amount = obj.value if obj.kind == AutomaticDiscount.Kind.FIXED else 0
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:catalog_product_change", args=[p.pk]),
                    p.name,
                    p.brand.name,
                    format_money(p.base_price),
                    format_money(p.base_price - unit_discount(p.base_price, percent=percent, amount=amount)),
                )
                for p in products[:PREVIEW_SIZE]
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("%(total)d products; the first %(shown)d:") % {"total": total, "shown": min(total, PREVIEW_SIZE)},
            _("product"),
            _("brand"),
            _("price"),
            _("with this discount"),
            rows,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        discount_changed(discount=form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        discount_prices_sync()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        discount_prices_sync()


STACKING_RULE = _(
    "How it stacks: a quantity offer applies on the price after the product's automatic discount (the two "
    "add up); a product takes one quantity offer at most (the highest priority); the offer's units are pooled "
    "across the cart and the cheapest ones are the free or discounted ones; kits' lines take no quantity offer; "
    "a coupon applies on top. The discount is spread over the offer's units, so a returned unit gives back what "
    "it was paid. A gift is free up to the units the offer gives."
)


@admin.register(QuantityOffer)
class QuantityOfferAdmin(ScopedPromotionAdmin):
    list_display = ["name", "badge_display", "kind", "scope", "priority", "product_count", "validity", "is_active"]
    autocomplete_fields = ["products", "categories", "brands", "sellers", "collections", "gift_variant"]
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "name",
                    "kind",
                    "buy_quantity",
                    "pay_quantity",
                    "percent",
                    "gift_variant",
                    "gift_quantity",
                    "priority",
                    "is_active",
                    "starts_at",
                    "ends_at",
                ),
                "description": STACKING_RULE,
            },
        ),
        SCOPE_FIELDSET,
        (_("Products it covers"), {"fields": ("products_preview",)}),
    ]

    @admin.display(description=_("badge"))
    def badge_display(self, obj):
        return obj.badge

    @admin.display(description=_("preview"))
    def products_preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the offer to see the products it covers.")
        products = quantity_offer_products(obj)
        total = products.count()
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
            (
                (reverse("admin:catalog_product_change", args=[p.pk]), p.name, p.brand.name, format_money(p.base_price))
                for p in products[:PREVIEW_SIZE]
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("%(total)d products; the first %(shown)d:") % {"total": total, "shown": min(total, PREVIEW_SIZE)},
            _("product"),
            _("brand"),
            _("price"),
            rows,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        quantity_offer_changed(offer=form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        quantity_offer_badges_sync()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        quantity_offer_badges_sync()
