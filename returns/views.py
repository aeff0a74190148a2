"""The shopper's return pages (thin: parse, call, render): the form from an order, the list
in the account, one request with its history. Guests reach theirs through the order look-up."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.actors import signed_in
from core.form_keys import EXPIRED, form_key_issue, form_key_valid
from orders.access import GUEST_ORDERS_SESSION_KEY, order_for_request, order_url_for

from . import selectors, services
from .forms import ReturnRequestForm
from .services import ReturnError

FORM = "returns"  # the one-time keys of the return form


def _base_template(request) -> str:
    return "accounts/base_account.html" if request.user.is_authenticated else "base.html"


@require_http_methods(["GET", "POST"])
def return_create(request, order_number: str):
    order = order_for_request(request, order_number)
    order_url = order_url_for(request, order)
    deadline = services.return_deadline(order_id=order.pk)
    returnable = services.returnable_quantities(order_id=order.pk)
    if deadline is None or timezone.now() > deadline or not returnable:
        messages.error(request, _("Nothing of this order can be returned now."))
        return redirect(order_url)
    lines = list(order.lines.all())
    form = ReturnRequestForm(
        request.POST or None,
        order_lines=lines,
        returnable=returnable,
        credit_allowed=order.customer_id is not None,
        initial={"key": "" if request.method == "POST" else form_key_issue(request, form=FORM)},
    )
    status = 200
    quote = None
    if request.method == "POST":
        # What the chosen units give back, shown before the return is sent (and again with its errors).
        units = form.units_asked(request.POST)
        quote = services.return_quote_preview(order=order, units=units) if units else None
    if request.method == "POST" and "preview" in request.POST:
        # Only the amount is asked for (the button, or the page's script on each change): nothing is
        # sent, and the half-filled form is not judged yet.
        form = ReturnRequestForm(
            order_lines=lines,
            returnable=returnable,
            credit_allowed=order.customer_id is not None,
            initial=request.POST.dict(),
        )
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            key = form.cleaned_data["key"]
            if not form_key_valid(request, form=FORM, key=key):
                form.add_error(None, EXPIRED)
            else:
                try:
                    created = services.return_request_create(
                        order=order,
                        lines=form.chosen,
                        idempotency_key=key,
                        resolution=form.cleaned_data["resolution"],
                        actor=signed_in(request.user),
                    )
                except ReturnError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        _("We received your return request %(number)s. We will write to you when it is reviewed.")
                        % {"number": created.number},
                    )
                    return redirect("returns:detail", number=created.number)
        data = cast(MultiValueDict[str, Any], form.data).copy()  # bound: request.POST, or an empty one
        data["key"] = form_key_issue(request, form=FORM)
        form.data = data
    return render(
        request,
        "returns/form.html",
        {
            "order": order,
            "form": form,
            "order_url": order_url,
            "deadline": deadline,
            "quote": quote,
            "base_template": _base_template(request),
            "guest": not request.user.is_authenticated,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def return_list(request):
    page = Paginator(selectors.returns_for_customer(user=request.user), 10).get_page(request.GET.get("page"))
    return render(request, "returns/list.html", {"page": page, "return_requests": page.object_list})


@require_http_methods(["GET"])
def return_detail(request, number: str):
    if request.user.is_authenticated:
        return_request = selectors.return_for_customer(user=request.user, number=number)
    else:
        return_request = selectors.return_for_guest(
            order_numbers=request.session.get(GUEST_ORDERS_SESSION_KEY, []), number=number
        )
    return render(
        request,
        "returns/detail.html",
        {
            "return_request": return_request,
            "base_template": _base_template(request),
            "guest": not request.user.is_authenticated,
            "order_url": order_url_for(request, return_request.order),
        },
    )
