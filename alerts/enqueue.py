"""Inventory asks, through its port, when units of variants became available again; the e-mails
go from a task once the stock's transaction commits (a receipt rolled back tells nobody). The
periodic job (tasks.send_due_alerts) also sweeps every waiting alert, so a lost task or a hold
that lapsed is caught there."""

from django.db import transaction

from . import tasks


def stock_replenished(*, variant_ids: list[int]) -> None:
    ids = sorted(set(variant_ids))
    transaction.on_commit(lambda: tasks.notify_back_in_stock.delay(ids), robust=True)
