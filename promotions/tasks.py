from celery import shared_task


@shared_task(name="promotions.sync_discount_prices")
def sync_discount_prices() -> int:
    """The stored discounted prices at a discount's start or end, and every few minutes."""
    from .services import discounts_refresh

    return discounts_refresh()
