"""The shopper's receipts: a printable page and its PDF. Only the order's owner (or the guest
browser that placed or looked up the order) sees them; anything else is a 404."""

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from orders.access import order_for_request, order_url_for

from . import selectors
from .models import Receipt, free_transfers_value
from .pdf import document_title, receipt_pdf


def _receipt_for_request(request, number: str, receipt_id: int) -> Receipt:
    order = order_for_request(request, number)
    try:
        # One SUNAT rejected was never issued: its buyer sees the re-issue instead.
        return selectors.receipt_with_details(queryset=selectors.receipts_issued(order_id=order.pk), pk=receipt_id)
    except Receipt.DoesNotExist:
        raise Http404 from None


@require_GET
def receipt_detail(request, number: str, receipt_id: int):
    receipt = _receipt_for_request(request, number, receipt_id)
    qr = segno.make(receipt.qr_text(), error="m")
    lines = list(receipt.lines.all())
    return render(
        request,
        "receipts/detail.html",
        {
            "receipt": receipt,
            "order": receipt.order,
            "title": document_title(receipt),
            "lines": lines,
            "free_value": free_transfers_value(receipt, lines),
            "order_url": order_url_for(request, receipt.order),
            # an inline SVG (no data: URL, no script): safe, segno writes only its own markup
            "qr_svg": mark_safe(qr.svg_inline(scale=3, border=1, title=receipt.full_number)),
        },
    )


@require_GET
def receipt_pdf_download(request, number: str, receipt_id: int):
    receipt = _receipt_for_request(request, number, receipt_id)
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt.file_name}.pdf"'
    return response
