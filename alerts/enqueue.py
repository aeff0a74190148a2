"""Inventory asks, through its port, when units of variants became available again; the e-mails
go from a task once the stock's transaction commits (a receipt rolled back tells nobody). The
periodic job (tasks.send_due_alerts) also sweeps every waiting alert, so a lost task or a hold
that lapsed is caught there."""

from django.db import transaction

from . import tasks
from .models import StockAlert


def stock_replenished(*, variant_ids: list[int]) -> None:
    ids = sorted(set(variant_ids))
    transaction.on_commit(lambda: _notify_if_awaited(ids), robust=True)


def _notify_if_awaited(variant_ids: list[int]) -> None:
    # Most stock rises are awaited by nobody: they cost one indexed read, not a task each.
    awaited = StockAlert.objects.filter(
        variant_id__in=variant_ids,
        kind=StockAlert.Kind.RESTOCK,
        status=StockAlert.Status.ACTIVE,
        notified_at__isnull=True,
    )
    if awaited.exists():
        tasks.notify_back_in_stock.delay(variant_ids)
