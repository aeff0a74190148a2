from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Case, IntegerField, Value, When
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scoping import SellerScopedAdminMixin, seller_scope
from core.admin import ReadOnlyAdminMixin

from . import services
from .forms import RejectForm
from .models import Review, ReviewStatus, SellerReputation


@admin.register(Review)
class ReviewAdmin(SellerScopedAdminMixin, admin.ModelAdmin):
    """The moderation queue: pending reviews first, oldest first among them. Texts are shown
    (escaped) and never edited here; decisions go through reviews.services."""

    seller_field = "product__seller"
    list_display = ["title", "rating", "product", "is_verified_purchase", "status", "report_count", "created_at"]
    list_select_related = ["product"]
    list_filter = [
        "status",
        "rating",
        "is_verified_purchase",
        "hidden_by_reports",
        ("product", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "body", "product__name", "user__email"]
    seller_search_fields = ("title", "body", "product__name")  # not who wrote it
    readonly_fields = (  # a tuple: its type then fits fields too
        "product",
        "user",
        "rating",
        "title",
        "body",
        "is_verified_purchase",
        "status",
        "rejection_reason",
        "hidden_by_reports",
        "helpful_count",
        "report_count",
        "created_at",
        "edited_at",
        "moderated_at",
        "moderated_by",
    )
    fields = readonly_fields
    actions = ["approve", "reject"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # A seller reads what was said of their product, not who said it (the account is an e-mail).
        return fields if seller_scope(request) is None else [f for f in fields if f != "user"]

    def get_ordering(self, request):
        pending_first = Case(
            When(status=ReviewStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return [pending_first.asc(), "created_at", "pk"]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):  # sellers read their products' reviews, nothing more
            actions.pop("approve", None)
            actions.pop("reject", None)
        return actions

    @admin.action(description=_("Approve the selected reviews"), permissions=["change"])
    def approve(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        for review_id in ids:
            services.review_approve(review_id=review_id, moderator=request.user)
        self.message_user(
            request,
            ngettext("%(n)d review approved.", "%(n)d reviews approved.", len(ids)) % {"n": len(ids)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject the selected reviews…"), permissions=["change"])
    def reject(self, request, queryset):
        """Asks for the reason first (shown to nobody but staff), then rejects each review."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            ids = list(queryset.values_list("pk", flat=True))
            try:
                for review_id in ids:
                    services.review_reject(
                        review_id=review_id, moderator=request.user, reason=form.cleaned_data["reason"]
                    )
            except services.ReviewError as error:
                self.message_user(request, error.message, messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(n)d review rejected.", "%(n)d reviews rejected.", len(ids)) % {"n": len(ids)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reject reviews"),
                "form": form,
                "queryset": queryset,
                "objects": list(queryset),
                "action": "reject",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "submit_label": _("Reject"),
            },
        )


@admin.register(SellerReputation)
class SellerReputationAdmin(SellerScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "seller",
        "period_start",
        "period_end",
        "rating_average",
        "rating_count",
        "legs_on_time",
        "legs_total",
        "orders_total",
        "orders_cancelled_by_seller",
        "computed_at",
    ]
    list_select_related = ["seller"]
    list_filter = ["period_end"]
