"""The Libro de Reclamaciones' pages, open to guests: the sheet to fill (from any page's footer or
an order page), the filed sheet on screen, and its PDF. Thin: parse, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import ratelimit
from core.actors import signed_in
from core.sessions import session_remember, session_remembers
from core.site_settings import site_settings
from orders.access import orders_for_request

from . import selectors
from .forms import ComplaintForm
from .layout import sheet_heading, sheet_sections
from .models import ANSWER_DEADLINE_NOTE, NOT_A_PREREQUISITE, ItemKind
from .pdf import sheet_pdf
from .services import ComplaintError, complaint_file

SHEETS_SESSION_KEY = "complaints:numbers"
SHEETS_REMEMBERED = 20
FILE_ACTION = "complaint_file"


def _initial(request, order) -> dict:
    """What the store already knows, so the consumer types less (they may change all of it)."""
    initial: dict = {}
    user = signed_in(request.user)
    if user is not None:
        initial.update(consumer_name=user.get_full_name(), email=user.email, phone=user.phone, document_number=user.dni)
    if order is not None:
        address = order.shipping_address or {}
        street = ", ".join(
            filter(
                None,
                [
                    address.get("street"),
                    address.get("district"),
                    address.get("province"),
                    address.get("department_name"),
                ],
            )
        )
        lines = ", ".join(f"{line.quantity} × {line.product_name}" for line in order.lines.all())
        initial.update(
            order=order.number,
            email=order.email,
            amount=order.total,
            item_kind=ItemKind.PRODUCT,
            item_description=(lines[:480] + "…") if len(lines) > 480 else lines,
        )
        for field, known in (
            ("consumer_name", address.get("recipient")),
            ("phone", address.get("phone")),
            ("address", street),
        ):
            initial[field] = initial.get(field) or known or ""
        if order.customer_document_type in ("dni", "ruc") and order.customer_document:
            initial.update(document_type=order.customer_document_type, document_number=order.customer_document)
    return initial


def _within_limit(request) -> bool:
    # Filing is a consumer's right: while Redis is away the limit lets sheets through.
    return ratelimit.consume(
        request,
        action=FILE_ACTION,
        rates=settings.COMPLAINTS_FILE_RATE_LIMIT,
        key=getattr(request, "device_id", ""),
        fail_closed=False,
    )


@require_http_methods(["GET", "POST"])
def sheet_new(request):
    orders = orders_for_request(request)
    chosen = next((order for order in orders if order.number == request.GET.get("pedido", "").strip().upper()), None)
    form = ComplaintForm(request.POST or None, orders=orders, initial=_initial(request, chosen))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if not _within_limit(request):
                return render(request, "429.html", status=429)
            try:
                sheet = complaint_file(
                    data=form.data_for_service(), customer=request.user, order=form.cleaned_data["order"]
                )
            except ComplaintError as error:
                form.add_error(None, str(error))
            else:
                session_remember(request, SHEETS_SESSION_KEY, sheet.number, keep=SHEETS_REMEMBERED)
                messages.success(
                    request,
                    _("Your sheet %(number)s is filed. We sent a copy to %(email)s.")
                    % {"number": sheet.number, "email": sheet.email},
                )
                return redirect(sheet.get_absolute_url())
    store = site_settings()
    return render(
        request,
        "complaints/form.html",
        {
            "form": form,
            "provider_name": store["RECEIPTS_ISSUER_NAME"],
            "provider_ruc": store["RECEIPTS_ISSUER_RUC"],
            "provider_address": store["RECEIPTS_ISSUER_ADDRESS"],
            "not_a_prerequisite": NOT_A_PREREQUISITE,
            "deadline_note": ANSWER_DEADLINE_NOTE,
        },
        status=status,
    )


@login_required
@require_GET
def sheet_list(request):
    """ "Mis reclamos": the customer's sheets, newest first, with their state and answer."""
    page = Paginator(selectors.sheets_for_customer(user=request.user), 10).get_page(request.GET.get("page"))
    return render(request, "complaints/list.html", {"page": page, "sheets": page.object_list})


def _sheet_for_request(request, number: str):
    """A sheet this browser filed, or one of the signed-in customer's; anything else is a 404."""
    sheet = selectors.sheet_by_number(number=number)
    if sheet is None:
        raise Http404
    own = request.user.is_authenticated and (
        sheet.customer_id == request.user.pk
        or selectors.sheets_for_customer(user=request.user).filter(pk=sheet.pk).exists()
    )
    if not own and not session_remembers(request, SHEETS_SESSION_KEY, sheet.number):
        raise Http404
    return sheet


@require_GET
def sheet_detail(request, number: str):
    sheet = _sheet_for_request(request, number)
    return render(
        request,
        "complaints/sheet.html",
        {
            "sheet": sheet,
            "heading": sheet_heading(sheet),
            "sections": sheet_sections(sheet),
            "not_a_prerequisite": NOT_A_PREREQUISITE,
            "deadline_note": ANSWER_DEADLINE_NOTE,
        },
    )


@require_GET
def sheet_download(request, number: str):
    sheet = _sheet_for_request(request, number)
    response = HttpResponse(sheet_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoja-de-reclamacion-{sheet.number}.pdf"'
    return response
