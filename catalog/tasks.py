from celery import shared_task


@shared_task(name="catalog.apply_scheduled_prices")
def apply_scheduled_prices() -> tuple[int, int]:
    """Scheduled price changes at their start and end (beat every minute, and enqueued for each boundary)."""
    from .services import scheduled_prices_run

    return scheduled_prices_run()


@shared_task(name="catalog.make_image_renditions")
def make_image_renditions(names: list[str]) -> int:
    """The WebP renditions of pictures just saved (catalog.renditions)."""
    from .renditions import renditions_make

    return sum(renditions_make(name) for name in names)
