"""The sources of each line's discount (the offer's name, the kit's percentage) and the shipping
a free-shipping coupon took off, so an order shows one discount line per source. Existing rows
are filled as well as what is kept allows: the shipping from the coupon's redemption, the kit's
percentage from the kit, the offer from the automatic discount that was running when the order
was placed and gives exactly the line's discount (none found: the order shows "Ofertas")."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models
from django.db.models import Q, Sum

CENT = Decimal("0.01")


def _shipping_discounts(apps):
    Order = apps.get_model("orders", "Order")
    CouponRedemption = apps.get_model("promotions", "CouponRedemption")
    for redemption in CouponRedemption.objects.exclude(order=None).iterator():
        on_lines = Order.objects.filter(pk=redemption.order_id).aggregate(total=Sum("lines__coupon_discount"))[
            "total"
        ] or Decimal("0")
        if redemption.amount > on_lines:
            Order.objects.filter(pk=redemption.order_id).update(shipping_discount=redemption.amount - on_lines)


def _kit_percents(apps):
    OrderLine = apps.get_model("orders", "OrderLine")
    for line in OrderLine.objects.filter(kit_discount__gt=0, kit__isnull=False).select_related("kit").iterator():
        OrderLine.objects.filter(pk=line.pk).update(kit_discount_percent=line.kit.discount_percent)


def _unit_off(discount, price) -> Decimal:
    off = (
        (price * discount.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if discount.kind == "percentage"
        else discount.value
    )
    return min(off, price)


def _offer_names(apps):
    OrderLine = apps.get_model("orders", "OrderLine")
    AutomaticDiscount = apps.get_model("promotions", "AutomaticDiscount")
    lines = OrderLine.objects.filter(automatic_discount__gt=0, automatic_discount_name="").select_related(
        "order", "variant"
    )
    for line in lines.iterator():
        placed = line.order.placed_at
        running = (
            AutomaticDiscount.objects.filter(
                Q(scope="everything") | Q(targets__product_id=line.variant.product_id),
                starts_at__lte=placed,
            )
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=placed))
            .order_by("-priority", "-created_at", "-pk")
            .distinct()
        )
        per_unit = line.automatic_discount / line.quantity
        name = next((d.name for d in running if _unit_off(d, line.unit_price) == per_unit), "")
        if name:
            OrderLine.objects.filter(pk=line.pk).update(automatic_discount_name=name[:120])


def fill_sources(apps, schema_editor):
    _shipping_discounts(apps)
    _kit_percents(apps)
    _offer_names(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_order_customer_legal_name"),
        ("promotions", "0001_coupons_discounts_and_redemptions"),
        ("catalog", "0015_model_number_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalorder",
            name="shipping_discount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="The shipping price a free-shipping coupon took off (not part of the discount).",
                max_digits=12,
                verbose_name="shipping discount",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="shipping_discount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="The shipping price a free-shipping coupon took off (not part of the discount).",
                max_digits=12,
                verbose_name="shipping discount",
            ),
        ),
        migrations.AddField(
            model_name="orderline",
            name="automatic_discount_name",
            field=models.CharField(blank=True, max_length=120, verbose_name="offer"),
        ),
        migrations.AddField(
            model_name="orderline",
            name="kit_discount_percent",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), max_digits=5, verbose_name="kit discount (%)"
            ),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
    ]
