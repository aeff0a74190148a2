from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.templatetags.money import format_money

from .models import ShippingMethod, ShippingRate, ShippingZone


class ShippingRateFormSet(BaseInlineFormSet):
    """Bands typed together on one page must not overlap each other either (clean() sees the
    saved rows only; the database's exclusion constraint would otherwise answer with a 500)."""

    def clean(self):
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        if self.instance.is_pickup and any(rate.price for rate in kept):
            raise ValidationError(_("In-store pickup is free: its price must be 0."))
        for index, rate in enumerate(kept):
            same_zone = [other for other in kept[index + 1 :] if other.zone_id == rate.zone_id]
            clash = rate.overlapping(same_zone)
            if clash:
                raise ValidationError(
                    _("The bands %(first)s and %(second)s of %(zone)s overlap."),
                    params={"first": rate.band_label, "second": clash[0].band_label, "zone": rate.zone},
                )


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    formset = ShippingRateFormSet
    extra = 1
    fields = ["zone", "weight_from", "weight_to", "price"]
    ordering = ["zone__name", "weight_from"]


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "carrier", "delivery_days", "free_from", "is_active", "order"]
    list_display_links = ["name"]
    list_editable = ["is_active", "order"]
    list_filter = ["carrier", "is_active", "rates__zone"]
    search_fields = ["name", "code", "description"]
    prepopulated_fields = {"code": ["name"]}
    fieldsets = (
        (None, {"fields": ("name", "code", "carrier", "description", "is_active", "order")}),
        (_("Delivery and price"), {"fields": (("min_days", "max_days"), "free_shipping_threshold")}),
    )
    inlines = [ShippingRateInline]

    def get_queryset(self, request):
        # The zone filter joins the rates; one row per method still.
        return super().get_queryset(request).distinct()

    @admin.display(description=_("business days"))
    def delivery_days(self, obj):
        return f"{obj.min_days}–{obj.max_days}" if obj.max_days != obj.min_days else str(obj.min_days)

    @admin.display(description=_("free from"), ordering="free_shipping_threshold")
    def free_from(self, obj):
        return format_money(obj.free_shipping_threshold) if obj.free_shipping_threshold is not None else "—"


class ShippingZoneForm(forms.ModelForm):
    departments = forms.MultipleChoiceField(
        label=_("departments"),
        choices=Department.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a zone of departments."),
    )

    class Meta:
        model = ShippingZone
        fields = ["name", "kind", "departments"]


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    form = ShippingZoneForm
    list_display = ["name", "kind", "department_list"]
    list_filter = ["kind"]
    search_fields = ["name"]

    @admin.display(description=_("departments"))
    def department_list(self, obj):
        return ", ".join(obj.department_names()) or "—"


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = ["method", "zone", "weight_from", "weight_to", "price_display"]
    list_filter = ["method__carrier", "method", "zone"]
    search_fields = ["method__name", "method__code", "zone__name"]
    list_select_related = ["method", "zone"]
    ordering = ["method__order", "method__name", "zone__name", "weight_from"]

    @admin.display(description=_("price (IGV included)"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price)
