"""Staff see and answer ARCO requests here: every request with its term (days left or overdue),
the answer written once (a cancellation may close the customer's account in the same step), the
history of each request; requests received by e-mail are recorded here. Closed accounts are
listed as their audit entries, read-only."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The Libro de Reclamaciones' rule: open while answered_at is empty, due on due_on, business days.
from complaints.admin import DeadlineFilter, deadline_cell
from core.admin import ReadOnlyAdminMixin, ScopedHistoryAdmin

from . import services
from .models import AccountClosure, ArcoRequest
from .services import PrivacyError

FILED = ["number", "kind", "customer", "email", "detail", "received_at", "deadline"]
ANSWERED = ["status", "answered_at", "answered_by"]


class ArcoRequestForm(forms.ModelForm):
    close_account = forms.BooleanField(
        label=_("Close the customer's account with this answer"),
        required=False,
        help_text=_(
            "Erases their addresses, favourites, alerts, cart and profile; orders, receipts and complaint "
            "sheets are kept as the law requires. It cannot be undone."
        ),
    )

    class Meta:
        model = ArcoRequest
        fields = ["kind", "customer", "email", "detail", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8, "cols": 90})}
        help_texts = {
            "answer": _("What the store did, as the customer will read it. Saving answers the request once."),
        }


@admin.register(ArcoRequest)
class ArcoRequestAdmin(ScopedHistoryAdmin):
    form = ArcoRequestForm
    list_display = ["number", "deadline", "kind", "email", "status", "received_on"]
    list_filter = [DeadlineFilter, "kind", "status"]
    search_fields = ["=number", "email"]
    search_help_text = _("Search by request number or e-mail.")
    raw_id_fields = ["customer"]
    list_per_page = 50
    show_full_result_count = False
    view_on_site = False

    def get_fields(self, request, obj=None):
        if obj is None:  # a request received by e-mail, recorded by staff
            return ["kind", "customer", "email", "detail"]
        answer = ["answer", *ANSWERED]
        if self._may_close(obj):
            answer.insert(1, "close_account")
        return [*FILED, *answer]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = [*FILED, *ANSWERED]
        if obj.is_answered or not self.has_change_permission(request, obj):
            return [*fixed, "answer"]
        return fixed

    @staticmethod
    def _may_close(obj) -> bool:
        return not obj.is_answered and obj.kind == "cancellation" and obj.customer_id is not None

    def has_delete_permission(self, request, obj=None):
        return False  # the store's proof that the right was attended

    @admin.display(description=_("answer due"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj)

    @admin.display(description=_("received at"), ordering="received_at")
    def received_on(self, obj):
        return timezone.localtime(obj.received_at).strftime("%d/%m/%Y %H:%M")

    def save_model(self, request, obj, form, change):
        # Both steps go through the services (numbered, due date, answered once, locked). What
        # happened is kept on the request: this admin object serves every request.
        request.privacy_outcome = None
        data = form.cleaned_data
        try:
            if not change:
                filed = services.arco_request_file(
                    kind=data["kind"],
                    email=data.get("email", ""),
                    detail=data.get("detail", ""),
                    customer=data.get("customer"),
                )
                obj.pk = filed.pk
                request.privacy_outcome = ("filed", filed.number)
            elif "answer" in data:
                services.arco_request_answer(
                    request_id=obj.pk,
                    answer=data["answer"],
                    actor=request.user,
                    close_account=bool(data.get("close_account")),
                )
                request.privacy_outcome = ("answered", obj.number)
        except PrivacyError as error:
            request.privacy_outcome = ("error", str(error))

    def save_related(self, request, form, formsets, change):
        pass  # no inlines; the services wrote everything

    def log_addition(self, request, obj, message):
        if (getattr(request, "privacy_outcome", None) or ("",))[0] == "filed":
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if (getattr(request, "privacy_outcome", None) or ("",))[0] == "answered":
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        outcome, detail = getattr(request, "privacy_outcome", None) or ("", "")
        if outcome == "error":
            self.message_user(request, detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, _("Request %(number)s recorded.") % {"number": detail}, messages.SUCCESS)
        return HttpResponseRedirect(f"../{obj.pk}/change/")

    def response_change(self, request, obj):
        outcome, detail = getattr(request, "privacy_outcome", None) or ("", "")
        if outcome == "answered":
            self.message_user(request, _("Request %(number)s is answered.") % {"number": detail}, messages.SUCCESS)
        elif outcome == "error":
            self.message_user(request, detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)


@admin.register(AccountClosure)
class AccountClosureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["closed_at", "account", "closed_by", "by_customer", "arco_request"]
    list_filter = ["by_customer", ("closed_at", admin.DateFieldListFilter)]
    list_select_related = ["account", "closed_by", "arco_request"]
    fields = ["closed_at", "account", "closed_by", "by_customer", "arco_request", "erased", "kept"]
    date_hierarchy = "closed_at"
    show_full_result_count = False
