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


@shared_task(name="catalog.refresh_category_counts")
def refresh_category_counts(category_ids: list[int] | None = None) -> int:
    """The kept facet counts of these categories, when not current (None: of every category; beat every
    minute covers what a lost task or a launch left behind)."""
    from .category_counts import refresh

    return refresh(category_ids)
