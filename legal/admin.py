"""Staff write the policies here: a new version is a draft until published; a published version
stays as shoppers accepted it (a new one starts from its text). Consents are read-only records."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import Consent, PolicyVersion
from .services import LegalError

EDITABLE = ["kind", "title", "body", "change_note"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "title", "state", "published_at", "created_by"]
    list_filter = ["kind", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    list_select_related = ["created_by"]
    actions = None
    change_form_template = "admin/legal/policyversion/change_form.html"
    view_on_site = False  # a draft has no page yet; published ones link it in "page"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 24, "cols": 100})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("Published") if obj.is_published else _("Draft")

    @admin.display(description=_("page"))
    def page_link(self, obj):
        if not obj.is_published:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("See it as shoppers do")
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return EDITABLE
        return [*EDITABLE, "version", "state", "published_at", "created_by", "created_at", "page_link"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        shown = ["kind", "version", "state", "published_at", "created_by", "created_at", "page_link"]
        return [*EDITABLE, *shown[1:]] if obj.is_published else shown

    def has_delete_permission(self, request, obj=None):
        # Only a draft may be thrown away: a published text is what someone accepted.
        return obj is not None and not obj.is_published and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = services.policy_version_update(
                    version=obj.pk, title=data["title"], body=data["body"], change_note=data.get("change_note", "")
                )
            else:
                saved = services.policy_version_create(
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    change_note=data.get("change_note", ""),
                    actor=request.user,
                )
        except LegalError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk, obj.version, obj.created_at = saved.pk, saved.version, saved.created_at
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="legal_policyversion_publish",
            ),
            path(
                "<int:pk>/new-version/",
                self.admin_site.admin_view(require_POST(self.new_version_view)),
                name="legal_policyversion_new_version",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, pk: int):
        return self._act(request, pk, publish=True)

    def new_version_view(self, request, pk: int):
        return self._act(request, pk, publish=False)

    def _act(self, request, pk: int, *, publish: bool):
        version = get_object_or_404(PolicyVersion, pk=pk)
        if not self.has_change_permission(request, version) or not self.has_add_permission(request):
            raise PermissionDenied
        try:
            if publish:
                services.policy_version_publish(version=version, actor=request.user)
                messages.success(request, _("%(version)s is published: the page shows it now.") % {"version": version})
                target = version
            else:
                target = services.policy_version_draft_from(version=version, actor=request.user)
                messages.success(
                    request,
                    _("A new draft (%(version)s) starts from this text: edit it, then publish it.")
                    % {"version": target},
                )
        except LegalError as error:
            messages.error(request, str(error))
            target = version
        return HttpResponseRedirect(reverse("admin:legal_policyversion_change", args=[target.pk]))


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "email", "user", "kind", "granted", "policy_version", "source", "ip_address"]
    list_filter = ["kind", "granted", "source", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=email", "user__email"]
    search_help_text = _("Search by e-mail.")
    list_select_related = ["user", "policy_version"]
    show_full_result_count = False
    date_hierarchy = "created_at"
