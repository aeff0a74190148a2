"""The sales report download in the admin (linked from the dashboard)."""

import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.admin_scoping import NO_ROWS, seller_scope
from core.db_router import replica_reads
from core.tabular import write_rows

from . import audit
from .forms import PayoutsForm, SalesReportForm
from .payouts import COLUMNS as PAYOUT_COLUMNS
from .payouts import seller_payouts, totals
from .reports import COLUMNS, sales_report_by_month
from .reports import totals as report_totals


def _download(rows, columns, fmt: str, name: str) -> HttpResponse:
    """A report as a CSV or JSON attachment."""
    stream = io.StringIO()
    write_rows(stream, rows, columns, fmt)
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = HttpResponse(stream.getvalue(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@replica_reads
def sales_report_view(request):
    """The sales report as a table on the page (the table `manage.py sales_report` prints: the same
    rows, backoffice.reports), or downloaded as CSV or JSON; a seller gets only their own lines.
    Without a query, the last 30 days by day."""
    scope = seller_scope(request)
    if scope is NO_ROWS or (scope is None and not request.user.has_perm("orders.view_order")):
        raise PermissionDenied
    form = SalesReportForm(request.GET if "by" in request.GET else None, initial=SalesReportForm.initial_values())
    data = form.cleaned_data if form.is_valid() else None if form.is_bound else SalesReportForm.initial_values()
    rows = None
    if data is not None:
        rows = sales_report_by_month(
            by=data["by"], since=data["date_from"], until=data["date_to"], seller=scope, channel=data.get("channel", "")
        )
        if data["format"] in ("csv", "json"):
            channel = f"-{data['channel']}" if data.get("channel") else ""
            return _download(
                rows, COLUMNS, data["format"], f"ventas-{data['by']}{channel}-{data['date_from']}-{data['date_to']}"
            )
    context = {
        **admin.site.each_context(request),
        "title": _("Sales report"),
        "form": form,
        "seller": scope,
        "rows": rows,
        "totals": report_totals(rows, by=data["by"]) if rows else None,
        "period": (data["date_from"], data["date_to"]) if data is not None else None,
    }
    return TemplateResponse(request, "backoffice/sales_report.html", context, status=400 if form.errors else 200)


def audit_list_view(request):
    """Recent changes across the audited models (read-only): who, when, which object, what changed."""
    if seller_scope(request) is not None:  # sellers and users without a role: not the shop's audit trail
        raise PermissionDenied
    query = request.GET.get("q", "").replace("\x00", "")
    context = {
        **admin.site.each_context(request),
        "title": _("Audit history"),
        "query": query[:100],
        "entries": audit.recent_changes(user=request.user, query=query),
    }
    return TemplateResponse(request, "backoffice/audit_list.html", context)


@replica_reads
def payouts_view(request):
    """Payouts per seller for a period, shown as a table or downloaded; a seller sees only their own,
    staff need to be allowed to see commissions (administrators)."""
    scope = seller_scope(request)
    if scope is NO_ROWS or (scope is None and not request.user.has_perm("backoffice.view_linecommission")):
        raise PermissionDenied
    form = PayoutsForm(
        request.GET if "date_from" in request.GET else None, scope=scope, initial=PayoutsForm.initial_values()
    )
    rows, period = None, None
    if form.is_valid():
        data = form.cleaned_data
        seller = scope if scope is not None else data.get("seller")
        rows = seller_payouts(since=data["date_from"], until=data["date_to"], seller=seller)
        period = (data["date_from"], data["date_to"])
        if data["format"] in ("csv", "json"):
            return _download(
                rows, PAYOUT_COLUMNS, data["format"], f"liquidaciones-{data['date_from']}-{data['date_to']}"
            )
    elif not form.is_bound:
        initial = PayoutsForm.initial_values()
        rows = seller_payouts(since=initial["date_from"], until=initial["date_to"], seller=scope)
        period = (initial["date_from"], initial["date_to"])
    context = {
        **admin.site.each_context(request),
        "title": _("Your payouts") if scope is not None else _("Seller payouts"),
        "form": form,
        "seller": scope,
        "rows": rows,
        "totals": totals(rows) if rows else None,
        "period": period,
    }
    return TemplateResponse(request, "backoffice/payouts.html", context, status=400 if form.errors else 200)
