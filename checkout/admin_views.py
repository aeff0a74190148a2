"""The back office's "Take an order (WhatsApp or phone)" page, reached from the orders list.

It lives in checkout (orders must not import checkout): config/urls.py mounts it under
/admin/orders/order/take/ wrapped in admin.site.admin_view. "Calculate" prices the order with
checkout's own services and writes nothing; "Create the order and send the link" places it
(checkout.staff_orders) with the page's one-time key, so a double submit makes one order."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.admin_scoping import seller_scope
from core.form_keys import form_key_issue, form_key_valid
from orders.models import Order
from shipping.models import ShippingMethod

from .forms import CheckoutAddressForm, StaffOrderForm, StaffOrderLineFormSet
from .services import CheckoutError
from .staff_orders import staff_order_payment_link, staff_order_place, staff_order_quote

FORM_KEY = "staff_order"
CALCULATE, CREATE = "calculate", "create"


def may_take_orders(request) -> bool:
    """Staff who may add orders; a seller sees only their own lines, never takes a shop order."""
    return seller_scope(request) is None and request.user.has_perm("orders.add_order")


def _answers(form: StaffOrderForm, address: CheckoutAddressForm, lines) -> dict:
    data = form.cleaned_data
    return {
        "email": data["email"], "phone": address.data.get("phone", ""),
        "lines": [(line.cleaned_data.get("sku", ""), line.cleaned_data.get("quantity", "")) for line in lines],
        "address_data": {name: address.data.get(name, "") for name in address.fields},
        "shipping_method_id": data["shipping_method"], "document_type": data["document_type"],
        "document": data["document"], "legal_name": data["legal_name"], "coupon_code": data["coupon_code"],
    }


@require_http_methods(["GET", "POST"])
def staff_order_take_view(request):
    if not may_take_orders(request):
        raise PermissionDenied
    methods = list(ShippingMethod.objects.filter(is_active=True).order_by("order", "name"))
    posted = request.POST if request.method == "POST" else None
    form = StaffOrderForm(posted, shipping_methods=methods,
                          initial={"key": form_key_issue(request, form=FORM_KEY)} if posted is None else None)
    address = CheckoutAddressForm(posted)
    lines = StaffOrderLineFormSet(posted, prefix="lines")
    quote, refusal, status = None, "", 200
    if posted is not None:
        valid = all([form.is_valid(), address.is_valid(), lines.is_valid()])
        if not valid:
            refusal, status = _("Correct the fields marked below."), 400
        elif request.POST.get("action") == CREATE:
            key = form.cleaned_data["key"]
            if not form_key_valid(request, form=FORM_KEY, key=key):
                refusal, status = _("This form has expired. Open it again."), 400
            else:
                try:
                    order = staff_order_place(taken_by=request.user, channel=form.cleaned_data["channel"],
                                              key=f"staff-{key}", **_answers(form, address, lines))
                except CheckoutError as error:
                    refusal, status = str(error), 400
                else:
                    link = staff_order_payment_link(order)
                    messages.success(request, format_html(
                        _("Order {number} was created and its payment link e-mailed to {email}: {link}"),
                        number=order.number, email=order.email, link=format_html('<a href="{0}">{0}</a>', link)))
                    return redirect(reverse("admin:orders_order_change", args=[order.pk]))
        else:
            try:
                quote = staff_order_quote(**_answers(form, address, lines))
            except CheckoutError as error:
                refusal, status = str(error), 400
    context = {
        **admin.site.each_context(request),
        "title": _("Take an order (WhatsApp or phone)"),
        "form": form, "address": address, "lines": lines, "quote": quote, "refusal": refusal,
        "opts": Order._meta, "calculate": CALCULATE, "create": CREATE,
    }
    return TemplateResponse(request, "admin/orders/order/take.html", context, status=status)
