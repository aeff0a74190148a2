from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        """Orders answers what the apps below it ask of an order (core.ports)."""
        from inventory import ports as inventory
        from promotions import ports as promotions
        from shipping import ports as shipping

        from . import selectors, services

        inventory.order_numbers.plug(selectors.order_numbers)
        shipping.order_lock.plug(services.order_lock)
        shipping.order_follow_shipments.plug(services.order_follow_shipments)
        promotions.buyer_has_ordered.plug(selectors.buyer_has_ordered)
        self._register_pending_work()

    @staticmethod
    def _register_pending_work() -> None:
        """Order e-mails and paid orders' shipments whose task was lost are re-enqueued by core.jobs."""
        from django.utils.translation import gettext_lazy as _

        from core import jobs

        from . import selectors, tasks

        jobs.register(
            jobs.PendingWork(
                name="orders.emails",
                label=_("Order e-mails to send"),
                overdue=selectors.order_emails_overdue,
                since="created_at",
                enqueue=tasks.send_order_email.delay,
            )
        )
        jobs.register(
            jobs.PendingWork(
                name="orders.shipments",
                label=_("Paid orders waiting for their shipments"),
                overdue=selectors.orders_paid_without_shipments,
                since="paid_at",
                enqueue=tasks.create_missing_shipments.delay,
                every=15 * 60,
            )
        )
