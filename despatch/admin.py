"""Staff see every guía de remisión with its SUNAT status, lines, XML, CDR and PDF; a guía is never
edited (a rejected one stays, and the leg gets a new one). The shipments' list gets the action
"Issue guía de remisión" (plugged into shipping's admin from here, since despatch sits above
shipping): the transport data in one form, a guía for each chosen leg. Sellers see only the guías
of their own legs (the shipments' scoping, shipping.admin.visible_shipments)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_scoping import NO_ROWS, seller_scope
from shipping.admin import visible_shipments
from shipping.models import Shipment

from . import gre, selectors, services
from .models import LIMA, CarrierRegistration, DespatchAdvice, DespatchLine, GuideStatus, TransportMode
from .pdf import guia_pdf


class DespatchLineInline(admin.TabularInline):
    model = DespatchLine
    extra = 0
    can_delete = False
    fields = ("position", "sku", "description", "unit_code", "units")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("quantity"))
    def units(self, line):
        """The quantity as the guía states it, without the decimals a whole count does not need (2, not 2.000)."""
        return f"{line.quantity.normalize():f}"


def visible_guias(request, queryset):
    """A seller their legs' guías; staff every guía (transfers included)."""
    scope = seller_scope(request)
    if scope is NO_ROWS:
        return queryset.none()
    if scope is not None:
        return queryset.filter(shipment__in=visible_shipments(request))
    return queryset


@admin.register(DespatchAdvice)
class DespatchAdviceAdmin(admin.ModelAdmin):
    list_display = ["number_display", "reason", "moved", "recipient_name", "transport_mode", "status_badge", "pdf_link"]
    list_filter = ["status", "reason", "transport_mode", "issue_date"]
    search_fields = ["=number", "shipment__order__number", "recipient_document", "recipient_name"]
    list_select_related = ["shipment__order"]
    date_hierarchy = "issued_at"
    inlines = [DespatchLineInline]
    actions = ["resend"]
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "series",
                    "number",
                    "reason",
                    "shipment",
                    "transfer_key",
                    "issued_at",
                    "start_date",
                    "issued_by",
                ]
            },
        ),
        (
            _("Issuer and recipient"),
            {
                "fields": [
                    "issuer_ruc",
                    "issuer_name",
                    "recipient_document_type",
                    "recipient_document",
                    "recipient_name",
                    "related_document",
                ]
            },
        ),
        (
            _("Transport"),
            {
                "fields": [
                    "transport_mode",
                    "carrier_ruc",
                    "carrier_name",
                    "carrier_mtc",
                    "vehicle_plate",
                    "driver_document",
                    "driver_first_name",
                    "driver_family_name",
                    "driver_licence",
                    "gross_weight_kg",
                ]
            },
        ),
        (
            _("Points"),
            {
                "fields": [
                    "origin_ubigeo",
                    "origin_address",
                    "origin_establishment",
                    "arrival_ubigeo",
                    "arrival_address",
                    "arrival_establishment",
                ]
            },
        ),
        (
            _("SUNAT"),
            {
                "fields": [
                    "sending_note",
                    "status",
                    "ticket",
                    "send_attempts",
                    "sent_at",
                    "answered_at",
                    "cdr_code",
                    "cdr_message",
                    "qr_url",
                    "digest",
                    "documents",
                ]
            },
        ),
        (_("Documents"), {"classes": ["collapse"], "fields": ["xml_view", "cdr_view"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for _name, options in self.fieldsets for field in options["fields"]]

    def get_queryset(self, request):
        return visible_guias(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # as issued, never edited: a rejected guía stays and its leg gets a new one

    has_delete_permission = has_change_permission

    change_list_template = "admin/despatch/despatchadvice/change_list.html"

    def get_urls(self):
        own = [
            path("transfer/", self.admin_site.admin_view(self.transfer_view), name="despatch_despatchadvice_transfer"),
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="despatch_despatchadvice_pdf"),
            path(
                "<int:pk>/cdr/", self.admin_site.admin_view(self.cdr_view_download), name="despatch_despatchadvice_cdr"
            ),
        ]
        return own + super().get_urls()

    def _guia(self, request, pk: int) -> DespatchAdvice:
        if not self.has_view_permission(request):
            raise Http404
        try:
            return selectors.guia_with_lines(queryset=self.get_queryset(request), pk=pk)
        except DespatchAdvice.DoesNotExist:
            raise Http404 from None

    def transfer_view(self, request):
        """The guía of a transfer between the store's warehouses (motivo 04): staff with full access."""
        if not self.has_view_permission(request) or seller_scope(request) is not None:
            raise Http404
        form = TransferGuiaForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                guia = services.guia_issue_for_transfer(
                    transfer_key=form.cleaned_data["transfer"],
                    transport=form.cleaned_data["transport"],
                    actor=request.user,
                    start_date=form.cleaned_data.get("start_date"),
                    gross_weight_kg=form.cleaned_data.get("gross_weight_kg"),
                )
            except services.DespatchError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Guía %(guia)s issued.") % {"guia": guia.full_number}, messages.SUCCESS)
                return redirect("admin:despatch_despatchadvice_change", guia.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Issue the guía of a transfer"),
            "form": form,
            "queryset": [],
        }
        return TemplateResponse(request, "admin/despatch/issue_form.html", context)

    def pdf_view(self, request, pk: int):
        guia = self._guia(request, pk)
        response = HttpResponse(guia_pdf(guia), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{guia.file_name}.pdf"'
        return response

    def cdr_view_download(self, request, pk: int):
        guia = self._guia(request, pk)
        if not guia.cdr_xml:
            raise Http404
        response = HttpResponse(guia.cdr_xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="R-{guia.file_name}.xml"'
        return response

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj):
        return obj.full_number

    @admin.display(description=_("moves"))
    def moved(self, obj):
        if obj.shipment_id:
            url = reverse("admin:shipping_shipment_change", args=[obj.shipment_id])
            return format_html('<a href="{}">{}</a>', url, obj.shipment.reference)
        return _("Transfer between warehouses")

    @admin.display(description=_("SUNAT status"), ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.status == GuideStatus.PENDING and not gre.sending_configured():
            label = _("Pending to send (sending not configured)")
        return format_html('<span class="receipt-status receipt-status--{}">{}</span>', obj.status_tone, label)

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:despatch_despatchadvice_pdf", args=[obj.pk]), _("PDF"))

    @admin.display(description=_("Documents"))
    def documents(self, obj):
        links = [
            format_html('<a href="{}">{}</a>', reverse("admin:despatch_despatchadvice_pdf", args=[obj.pk]), _("PDF"))
        ]
        if obj.cdr_xml:
            links.append(
                format_html(
                    '<a href="{}">{}</a>', reverse("admin:despatch_despatchadvice_cdr", args=[obj.pk]), _("CDR")
                )
            )
        return format_html(" · ".join(["{}"] * len(links)), *links)

    @admin.display(description=_("Sending"))
    def sending_note(self, obj):
        if not gre.sending_configured():
            return _("Sending to SUNAT's GRE is not configured (SUNAT_GRE_CLIENT_ID): this guía stays pending to send.")
        if obj is not None and obj.status == GuideStatus.CHECK:
            return _(
                "SUNAT may already hold this guía and gives no way to ask for it without its ticket: "
                "look it up in SUNAT's portal (SOL). Send it again with the list's action only if SUNAT "
                "does not have it."
            )
        return _("Sent by the send task; guías in exception can be sent again with the list's action.")

    @admin.display(description=_("XML"))
    def xml_view(self, obj):
        return format_html('<pre class="receipt-xml">{}</pre>', obj.xml or "—")

    @admin.display(description=_("CDR"))
    def cdr_view(self, obj):
        return format_html('<pre class="receipt-xml">{}</pre>', obj.cdr_xml or "—")

    @admin.action(description=_("Send again to SUNAT"), permissions=["view"])
    def resend(self, request, queryset):
        count = services.guias_resend(advice_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d guía queued to send.", "%(count)d guías queued to send.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(CarrierRegistration)
class CarrierRegistrationAdmin(admin.ModelAdmin):
    """The carriers' RUC, legal name and MTC registration: the guía form of their legs comes filled."""

    list_display = ["carrier", "ruc", "legal_name", "mtc_registration"]


# --- the shipments' action ------------------------------------------------------------------------


def carrier_initial(legs) -> dict[str, str]:
    """The form's public transport, filled from the carrier registration when every leg goes by one carrier."""
    carriers = {leg.carrier for leg in legs}
    registration = CarrierRegistration.objects.filter(carrier=carriers.pop()).first() if len(carriers) == 1 else None
    if registration is None:
        return {}
    return {
        "transport_mode": TransportMode.PUBLIC,
        "carrier_ruc": registration.ruc,
        "carrier_name": registration.legal_name,
        "carrier_mtc": registration.mtc_registration,
    }


class GuiaForm(forms.Form):
    """The transport data of a guía, as staff type it; services.transport_clean has the last word."""

    transport_mode = forms.ChoiceField(label=_("Transport"), choices=TransportMode.choices, widget=forms.RadioSelect)
    carrier_ruc = forms.CharField(label=_("Carrier RUC"), max_length=11, required=False)
    carrier_name = forms.CharField(label=_("Carrier"), max_length=250, required=False)
    carrier_mtc = forms.CharField(label=_("Carrier's MTC registration"), max_length=20, required=False)
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=10, required=False)
    driver_document = forms.CharField(label=_("Driver's DNI"), max_length=8, required=False)
    driver_first_name = forms.CharField(label=_("Driver's first names"), max_length=250, required=False)
    driver_family_name = forms.CharField(label=_("Driver's surnames"), max_length=250, required=False)
    driver_licence = forms.CharField(label=_("Driver's licence"), max_length=12, required=False)
    start_date = forms.DateField(label=_("Start of the move"), required=False)
    gross_weight_kg = forms.DecimalField(
        label=_("Gross weight (kg)"),
        required=False,
        min_value=0.001,
        max_digits=12,
        decimal_places=3,
        help_text=_("Empty: the products' weights × units."),
    )
    recipient_document = forms.CharField(
        label=_("Recipient's DNI"),
        max_length=8,
        required=False,
        help_text=_("Only when the order has no DNI or RUC of its buyer."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            ruc, _name = services.issuer()
            cleaned["transport"] = services.transport_clean(
                services.Transport(
                    mode=cleaned["transport_mode"],
                    **{field: cleaned.get(field, "") for field in services.TRANSPORT_FIELDS},
                ),
                issuer_ruc=ruc,
            )
        except services.DespatchError as error:
            raise ValidationError(str(error)) from None
        today = timezone.localdate(timezone.now(), LIMA)
        if cleaned.get("start_date") and cleaned["start_date"] < today:
            self.add_error("start_date", _("The move cannot start before today."))
        return cleaned


def _transfer_label(movement) -> str:
    moment = timezone.localtime(movement.created_at, LIMA)
    return f"{moment:%d/%m/%Y %H:%M} · {movement.stock_level.variant.sku} × {abs(movement.quantity)} · {movement.stock_level.warehouse.code}"


class TransferGuiaForm(GuiaForm):
    """A transfer without its guía (the recent ones), and how it travels."""

    field_order = ["transfer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transfer"] = forms.ChoiceField(
            label=_("Transfer between warehouses"),
            choices=[(str(m.transfer_key), _transfer_label(m)) for m in selectors.transfers_without_guia()[:100]],
        )
        self.order_fields(["transfer"])
        del self.fields["recipient_document"]


@admin.action(description=_("Issue guía de remisión…"), permissions=["change"])
def issue_guia(modeladmin, request, queryset):
    legs = list(queryset.select_related("order", "warehouse").order_by("pk"))
    form = GuiaForm(request.POST if "apply" in request.POST else None, initial=carrier_initial(legs))
    if "apply" in request.POST and form.is_valid():
        issued = 0
        for leg in legs:
            try:
                services.guia_issue_for_shipment(
                    shipment_id=leg.pk,
                    transport=form.cleaned_data["transport"],
                    actor=request.user,
                    start_date=form.cleaned_data.get("start_date"),
                    gross_weight_kg=form.cleaned_data.get("gross_weight_kg") if len(legs) == 1 else None,
                    recipient_document=form.cleaned_data.get("recipient_document") or "",
                )
            except services.DespatchError as error:
                modeladmin.message_user(request, str(error), messages.WARNING)
            else:
                issued += 1
        if issued:
            modeladmin.message_user(
                request,
                ngettext("%(count)d guía de remisión issued.", "%(count)d guías de remisión issued.", issued)
                % {"count": issued},
                messages.SUCCESS,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("Issue guía de remisión"),
        "form": form,
        "queryset": legs,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/despatch/issue_form.html", context)


shipments = admin.site.get_model_admin(Shipment)
shipments.actions = [*(shipments.actions or ()), issue_guia]
