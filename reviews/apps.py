from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _forget_own_reviews(sender, instance, **kwargs) -> None:
    """A review or vote written: its author's cached list of reviewed products (selectors) is
    dropped now and again at commit, so a reader meanwhile cannot put the old list back."""
    from django.core.cache import cache
    from django.db import transaction

    from .selectors import own_reviews_key

    key = own_reviews_key(instance.user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Review, ReviewVote

        for model in (Review, ReviewVote):
            uid = f"reviews.own_reviews.{model._meta.model_name}"
            post_save.connect(_forget_own_reviews, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(_forget_own_reviews, sender=model, dispatch_uid=uid + ".delete")
