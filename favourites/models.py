"""A customer's saved products ("Mis favoritos") and the link that shares them. A guest's
favourites live in the session (favourites.shopper) until sign-in merges them in here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    # The price the shopper saw when saving it, so the list can say it dropped since; none when the
    # price was still secret (awaiting a launch) then.
    saved_price = models.DecimalField(_("price when saved"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="favourite_user_product_unique")]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.product}"


class FavouriteShare(models.Model):
    """The customer's public link to their list: the link carries `key`, signed; revoking deletes
    the row, so every link handed out before stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_share", verbose_name=_("customer")
    )
    key = models.CharField(_("key"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared favourites link")
        verbose_name_plural = _("shared favourites links")

    def __str__(self) -> str:
        return f"{self.user}: {self.key[:6]}…"
