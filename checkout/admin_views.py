"""The back office's "Take an order (WhatsApp or phone)" page, reached from the orders list.

It lives in checkout (orders must not import checkout): config/urls.py mounts it under
/admin/orders/order/take/ wrapped in admin.site.admin_view. "Calculate" runs the placement
"Create" runs and rolls it back (checkout.staff_orders), so it shows what the order costs and
every refusal "Create" would give; "Create the order and send the link" places it with the
page's one-time key, so a double submit makes one order.

While staff fill the page in, it posts itself back without writing anything (htmx swaps the part
that changed; without JavaScript the whole page comes back): a product search that adds a line,
the customer's saved addresses (from the e-mail) that fill the address, and the shipping methods
that reach the address for the lines typed so far."""

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

from .forms import ADDRESS_FIELDS, CheckoutAddressForm, StaffOrderForm, StaffOrderLineFormSet, staff_order_rows
from .services import CheckoutError
from .staff_orders import (
    customer_for_email,
    staff_order_payment_link,
    staff_order_place,
    staff_order_products,
    staff_order_quote,
    staff_order_saved_address,
    staff_order_saved_addresses,
    staff_order_shipping,
    variants_for_skus,
)

FORM_KEY = "staff_order"
CALCULATE, CREATE, SEARCH, REFRESH = "calculate", "create", "search", "refresh"
# The posted fields of the page's own form (the rest are the address's and the lines').
ORDER_FIELDS = ["channel", "email", "document_type", "document", "legal_name", "coupon_code", "shipping_method", "key"]


def may_take_orders(request) -> bool:
    """Staff who may add orders; a seller sees only their own lines, never takes a shop order."""
    return seller_scope(request) is None and request.user.has_perm("orders.add_order")


def _answers(form: StaffOrderForm, address: CheckoutAddressForm, lines) -> dict:
    data = form.cleaned_data
    return {
        "email": data["email"],
        "phone": address.data.get("phone", ""),
        "lines": [(line.cleaned_data.get("sku", ""), line.cleaned_data.get("quantity", "")) for line in lines],
        "address_data": {name: address.data.get(name, "") for name in address.fields},
        "shipping_method_id": data["shipping_method"],
        "document_type": data["document_type"],
        "document": data["document"],
        "legal_name": data["legal_name"],
        "coupon_code": data["coupon_code"],
    }


def _posted_lines(data) -> list[tuple[str, str]]:
    try:
        rows = min(int(data.get("lines-TOTAL_FORMS", 0)), StaffOrderLineFormSet.absolute_max)
    except (TypeError, ValueError):
        rows = 0
    return [
        (str(data.get(f"lines-{n}-sku", ""))[:64], str(data.get(f"lines-{n}-quantity", ""))[:4]) for n in range(rows)
    ]


def _with_added(lines: list[tuple[str, str]], sku: str) -> tuple[list[tuple[str, str]], str]:
    """The lines with one more unit of the product searched for (its line, or a new one), and the
    refusal when the SKU names no product (a stale search result)."""
    try:
        variant = variants_for_skus([sku])[sku]
    except CheckoutError as error:
        return lines, str(error)
    typed = [row_sku for row_sku, _quantity in lines if row_sku.strip()]
    try:
        same = variants_for_skus([row_sku.strip() for row_sku in typed])
    except CheckoutError:
        same = {}
    for index, (row_sku, quantity) in enumerate(lines):
        if row_sku.strip() and getattr(same.get(row_sku.strip()), "pk", None) == variant.pk:
            units = int(quantity) + 1 if quantity.strip().isdecimal() else 1
            return [*lines[:index], (row_sku, str(units)), *lines[index + 1 :]], ""
    kept = [(row_sku, quantity) for row_sku, quantity in lines if row_sku.strip() or quantity.strip()]
    return [*kept, (variant.sku, "1")], ""


def _refreshed(request, data):
    """The page as staff left it, changed by what they asked (a search, a product added, a saved
    address used): every form unbound, showing the posted values, so no field says it is wrong yet."""
    lines, refusal = _posted_lines(data), ""
    if data.get("add_sku"):
        lines, refusal = _with_added(lines, str(data["add_sku"]).strip()[:64])
    address_values = {name: data.get(name, "") for name in ADDRESS_FIELDS}
    if data.get("use_address"):
        try:
            address_values = staff_order_saved_address(email=data.get("email", ""), address_id=data["use_address"])
        except CheckoutError as error:
            refusal = str(error)
    shipping = staff_order_shipping(address_data=address_values, lines=lines)
    form = StaffOrderForm(
        initial={name: data.get(name, "") for name in ORDER_FIELDS}, shipping_options=shipping.options
    )
    return {
        "form": form,
        "address": CheckoutAddressForm(initial=address_values),
        "lines": StaffOrderLineFormSet(initial=staff_order_rows(lines), prefix="lines"),
        "shipping": shipping,
        "refusal": refusal,
    }


def _bound(data):
    shipping = staff_order_shipping(
        address_data={name: data.get(name, "") for name in ADDRESS_FIELDS}, lines=_posted_lines(data)
    )
    return {
        "form": StaffOrderForm(data, shipping_options=shipping.options),
        "address": CheckoutAddressForm(data),
        "lines": StaffOrderLineFormSet(data, prefix="lines"),
        "shipping": shipping,
        "refusal": "",
    }


def _fresh(request):
    shipping = staff_order_shipping(address_data={}, lines=[])
    return {
        "form": StaffOrderForm(
            initial={"key": form_key_issue(request, form=FORM_KEY)}, shipping_options=shipping.options
        ),
        "address": CheckoutAddressForm(),
        "lines": StaffOrderLineFormSet(initial=staff_order_rows([]), prefix="lines"),
        "shipping": shipping,
        "refusal": "",
    }


@require_http_methods(["GET", "POST"])
def staff_order_take_view(request):
    if not may_take_orders(request):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    action = data.get("action") if data is not None else None
    quote, status = None, 200
    if data is None:
        page = _fresh(request)
    elif action not in (CALCULATE, CREATE) or data.get("add_sku") or data.get("use_address"):
        page = _refreshed(request, data)
    else:
        page = _bound(data)
        form, address, lines = page["form"], page["address"], page["lines"]
        if not all([form.is_valid(), address.is_valid(), lines.is_valid()]):
            page["refusal"], status = _("Correct the fields marked below."), 400
        elif action == CREATE:
            key = form.cleaned_data["key"]
            if not form_key_valid(request, form=FORM_KEY, key=key):
                page["refusal"], status = _("This form has expired. Open it again."), 400
            else:
                try:
                    order = staff_order_place(
                        taken_by=request.user,
                        channel=form.cleaned_data["channel"],
                        key=f"staff-{key}",
                        **_answers(form, address, lines),
                    )
                except CheckoutError as error:
                    page["refusal"], status = str(error), 400
                else:
                    link = staff_order_payment_link(order)
                    messages.success(
                        request,
                        format_html(
                            _("Order {number} was created and its payment link e-mailed to {email}: {link}"),
                            number=order.number,
                            email=order.email,
                            link=format_html('<a href="{0}">{0}</a>', link),
                        ),
                    )
                    return redirect(reverse("admin:orders_order_change", args=[order.pk]))
        else:
            try:
                quote = staff_order_quote(
                    channel=form.cleaned_data["channel"], taken_by=request.user, **_answers(form, address, lines)
                )
            except CheckoutError as error:
                page["refusal"], status = str(error), 400
    customer = customer_for_email(data.get("email", "")) if data is not None else None
    term = str(data.get("q", "")).strip()[:100] if data is not None else ""
    context = {
        **admin.site.each_context(request),
        **page,
        "title": _("Take an order (WhatsApp or phone)"),
        "quote": quote,
        "opts": Order._meta,
        "calculate": CALCULATE,
        "create": CREATE,
        "search": SEARCH,
        "refresh": REFRESH,
        "customer": customer,
        "saved_addresses": staff_order_saved_addresses(customer=customer),
        "search_term": term,
        "search_results": staff_order_products(term=term) if term else [],
    }
    return TemplateResponse(request, "admin/orders/order/take.html", context, status=status)
