"""What the store holds about a customer, as one JSON document (ARCO rights, Ley 29733): the
profile, addresses, orders with their lines, returns, reviews, consents and complaint sheets.
A fixed number of queries, however many rows each part has."""

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Address
from complaints.selectors import sheets_for_customer
from legal.selectors import consents_for
from orders.models import Order, OrderLine
from returns.models import ReturnLine, ReturnRequest
from reviews.models import Review

FORMAT_VERSION = 1


def _when(value):
    return value.isoformat() if value else None


def _money(value):
    return None if value is None else str(value)


def personal_data(*, user) -> dict:
    orders = (
        Order.objects.filter(customer=user)
        .order_by("placed_at", "pk")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
    )
    returns = (
        ReturnRequest.objects.filter(customer=user)
        .select_related("order")
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line").order_by("pk")))
    )
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "dni": user.dni,
            "dni_pending": user.dni_pending,
            "email_verified": user.email_verified,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "addresses": [
            {
                "label": a.label,
                "recipient": a.recipient,
                "phone": a.phone,
                "street": a.street,
                "reference": a.reference,
                "district": a.district,
                "province": a.province,
                "department": a.get_department_display(),
                "postal_code": a.postal_code,
                "default_shipping": a.is_default_shipping,
                "default_billing": a.is_default_billing,
            }
            for a in Address.objects.filter(user=user).order_by("pk")
        ],
        "orders": [
            {
                "number": o.number,
                "placed_at": _when(o.placed_at),
                "status": o.status,
                "payment_status": o.payment_status,
                "email": o.email,
                "document_type": o.customer_document_type,
                "document": o.customer_document,
                "company_name": o.customer_legal_name,
                "subtotal": _money(o.subtotal),
                "discount": _money(o.discount_total),
                "shipping": _money(o.shipping_total),
                "total": _money(o.total),
                "shipping_address": o.shipping_address,
                "billing_address": o.billing_address,
                "shipping_method": o.shipping_method_name,
                "lines": [
                    {
                        "sku": line.sku,
                        "product": line.product_name,
                        "quantity": line.quantity,
                        "line_total": _money(line.line_total),
                    }
                    for line in o.lines.all()
                ],
            }
            for o in orders
        ],
        "returns": [
            {
                "number": r.number,
                "order": r.order.number,
                "requested_at": _when(r.created_at),
                "status": r.status,
                "resolution": r.resolution,
                "amount": _money(r.resolved_amount),
                "lines": [
                    {
                        "sku": line.order_line.sku,
                        "quantity": line.quantity,
                        "reason": line.reason,
                        "detail": line.reason_detail,
                    }
                    for line in r.lines.all()
                ],
            }
            for r in returns
        ],
        "reviews": [
            {
                "product": review.product.name,
                "rating": review.rating,
                "title": review.title,
                "body": review.body,
                "status": review.status,
                "written_at": _when(review.created_at),
            }
            for review in Review.objects.filter(user=user).select_related("product").order_by("created_at", "pk")
        ],
        "consents": [
            {
                "kind": c.kind,
                "granted": c.granted,
                "policy_version": c.policy_version.version if c.policy_version else None,
                "source": c.source,
                "ip_address": c.ip_address,
                "at": _when(c.created_at),
            }
            for c in consents_for(user=user).order_by("created_at", "pk")
        ],
        "complaint_sheets": [
            {
                "number": s.number,
                "filed_at": _when(s.filed_at),
                "kind": s.kind,
                "order": s.order.number if s.order else None,
                "consumer_name": s.consumer_name,
                "document_type": s.document_type,
                "document": s.document_number,
                "address": s.address,
                "phone": s.phone,
                "email": s.email,
                "amount": _money(s.amount),
                "description": s.item_description,
                "detail": s.detail,
                "request": s.consumer_request,
                "response": s.response,
                "answered_at": _when(s.answered_at),
            }
            for s in sheets_for_customer(user=user).order_by("filed_at", "pk")
        ],
    }
