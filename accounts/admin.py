from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedHistoryAdmin

from . import services
from .admin_scoping import SellerScopedAdminMixin
from .models import Address, Seller, User


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = [
        ("label", "recipient", "phone"),
        ("street", "reference"),
        ("department", "province", "district", "ubigeo", "postal_code"),
        ("is_default_shipping", "is_default_billing"),
    ]
    readonly_fields = ["ubigeo"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


BUILT_IN_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """A permission as staff read it, in the shop's language: Django stores the built-in ones'
    names in English ("Can add return line") when it creates them."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None:
        return str(permission)
    if action in BUILT_IN_ACTIONS and permission.codename == f"{action}_{model._meta.model_name}":
        name = BUILT_IN_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)  # the shop's own permissions, named with gettext_lazy
    return f"{capfirst(model._meta.app_config.verbose_name)} | {capfirst(model._meta.verbose_name)} | {name}"


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, DjangoGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, ScopedHistoryAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "dni", "email_verified", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "email_verified", "groups"]
    search_fields = ["email", "first_name", "last_name", "dni", "phone"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "dni", "email_verified")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    inlines = [AddressInline]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        count = services.user_second_factor_reset(users=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d user must set up a new second factor.",
                "%(count)d users must set up a new second factor.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# allauth.mfa's own admin shows and edits the TOTP secret, in English: resetting is the action above.
admin.site.unregister(Authenticator)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "user",
        "district",
        "province",
        "department",
        "ubigeo",
        "is_default_shipping",
        "is_default_billing",
    ]
    list_filter = ["department"]
    search_fields = ["recipient", "user__email", "street", "district", "province", "ubigeo"]
    readonly_fields = ["ubigeo"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Seller)
class SellerAdmin(SellerScopedAdminMixin, ScopedHistoryAdmin):
    seller_field = "pk"  # a seller sees only their own profile
    scoped_readonly_fields = ("user", "slug", "ruc", "is_approved", "commission_rate")
    list_display = ["store_name", "user", "ruc", "is_approved", "commission_rate", "created_at"]
    list_filter = ["is_approved"]
    search_fields = ["store_name", "ruc", "user__email"]
    seller_search_fields = ("store_name", "ruc")
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["store_name"]}
    autocomplete_fields = ["user"]
    readonly_fields = ["approved_at", "approved_by", "created_at"]
    actions = ["approve_sellers", "withdraw_approval"]

    @admin.action(description=_("Approve the selected sellers"), permissions=["add"])
    def approve_sellers(self, request, queryset):
        count = 0
        for seller in queryset.select_related("user"):
            services.seller_approve(seller=seller, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d seller approved.", "%(count)d sellers approved.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the approval (ends their sessions)"), permissions=["add"])
    def withdraw_approval(self, request, queryset):
        sellers = list(queryset)
        for seller in sellers:
            services.seller_approval_withdraw(seller=seller)
        self.message_user(
            request,
            ngettext(
                "%(count)d seller no longer sells; their sessions ended.",
                "%(count)d sellers no longer sell; their sessions ended.",
                len(sellers),
            )
            % {"count": len(sellers)},
            messages.SUCCESS,
        )
