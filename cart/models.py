from django.db import models
from django.utils.translation import gettext_lazy as _


class CartClient(models.Model):
    """The client (IP and device cookie) that last wrote to a cart: how hold caps count what one
    client holds across all the carts it opens (carts themselves live in Redis)."""

    cart_key = models.CharField(_("cart"), max_length=64, unique=True)
    ip = models.GenericIPAddressField(_("IP address"))
    device = models.CharField(_("device"), max_length=64, blank=True)
    seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("cart client")
        verbose_name_plural = _("cart clients")
        indexes = [
            models.Index(fields=["ip"], name="cart_client_ip"),
            models.Index(fields=["device"], name="cart_client_device"),
        ]

    def __str__(self) -> str:
        return f"{self.cart_key} ({self.ip})"


class CartContact(models.Model):
    """The e-mail a guest gave at checkout's details step for the cart they were buying: whom a
    forgotten-cart reminder may go to (with their marketing consent). A signed-in customer's cart
    is theirs already ("user-<id>")."""

    cart_key = models.CharField(_("cart"), max_length=64, unique=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cart contact")
        verbose_name_plural = _("cart contacts")

    def __str__(self) -> str:
        return f"{self.cart_key} ({self.email})"
