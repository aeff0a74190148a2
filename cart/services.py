"""Every change to a cart: add a variant or a kit, change or remove a line, merge on login.

The store keeps quantities; inventory holds the units (a reservation per cart and variant,
RESERVATION_MINUTES long) so that what a shopper has in the cart is still there at
checkout. A hold is best effort: it may lapse, and the cart page and checkout take it again
when stock allows. Nothing here trusts a price: pricing.py reads every price from the
database."""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import bundles
from catalog.models import Collection, CollectionItem, Kit, Product, Variant, launch_awaited
from catalog.selectors import first_in_stock, kit_item_availability
from core.compiled_query import CompiledQuery, InSlot, Slot
from core.query_moment import QueryMoment, at_moment
from core.site_settings import site_setting
from inventory.exceptions import InsufficientStock, InventoryError, PurchaseLimitExceeded
from inventory.messages import insufficient_stock_message
from inventory.models import Reservation
from inventory.selectors import availability_by_variant, bundle_availability, reservations_held
from inventory.services import reservation_release, stock_reserve

from . import ports
from .models import CartClient, CartContact
from .pricing import GiftDue, gifts_earned
from .store import GIFT_REFUSED, GIFT_SEEN, CartSnapshot, LineKey, cart_store

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from core.actors import AuthUser  # the user model, which cart (not above accounts) cannot import

# More than this in one line is a typo or a reseller; the product's own limit is lower anyway.
MAX_LINE_QUANTITY = 99


class CartError(Exception):
    """A refusal with the message to show the shopper; nothing was changed."""


@dataclass(frozen=True)
class Cart:
    id: str
    customer: "AuthUser | None" = None  # the signed-in user, for per-customer limits
    coupon_code: str = ""  # the code the shopper applied (kept in the session), priced with the cart


def user_cart(user: "AuthUser") -> Cart:
    """A signed-in customer's one active cart, the same on every device."""
    return Cart(id=user_cart_id(user.pk), customer=user)


def user_cart_id(user_id: int | str) -> str:
    return f"user-{user_id}"


@dataclass(frozen=True)
class ClientId:
    """Who is adding: the client IP and the browser's device cookie (core.middleware)."""

    ip: str
    device: str = ""


@dataclass
class MergeResult:
    moved: int = 0
    capped: list[str] = field(default_factory=list)  # messages for the lines that were reduced


def parse_quantity(raw: object, *, allow_zero: bool = False) -> int:
    """A whole number of units from a form; a clear message otherwise."""
    try:
        quantity = int(str(raw).strip())
    except (TypeError, ValueError):
        raise CartError(_("Enter the quantity as a whole number.")) from None
    if quantity < (0 if allow_zero else 1):
        raise CartError(_("The quantity must be at least 1."))
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(_("You can add at most %(max)d units at a time.") % {"max": MAX_LINE_QUANTITY})
    return quantity


def parse_kit_choices(data: QueryDict) -> tuple[dict[int, str], set[int]]:
    """The kit form's fields: {kit item id: SKU} from its item-<id> selects and the ids of the
    extras ticked (optional); anything else is ignored (the kit page and add-to-cart read the same)."""

    def an_id(raw: str) -> bool:
        return raw.isdecimal() and len(raw) <= 18

    choices = {
        int(key[5:]): str(value)[:64] for key, value in data.items() if key.startswith("item-") and an_id(key[5:])
    }
    return choices, {int(raw) for raw in data.getlist("optional") if an_id(raw)}


class SaleWindow(TypedDict):
    """What variants_with_sale_window adds to each variant."""

    in_live_collection: bool
    upcoming_drop_start: datetime | None
    in_closed_drop: bool


@functools.cache
def _sale_window_variants() -> "QuerySet[WithAnnotations[Variant, SaleWindow]]":
    """Variants with their product and their drops' state: built once per process (resolving these
    subqueries costs more than running them), judged at the moment each query runs (core.query_moment)."""
    now = QueryMoment()
    drops = CollectionItem.objects.filter(product_id=OuterRef("product_id"), collection__is_active=True)
    live = drops.filter(collection__starts_at__lte=now).filter(
        Q(collection__ends_at__isnull=True) | Q(collection__ends_at__gt=now)
    )
    annotated = Variant.objects.select_related("product").annotate(
        in_live_collection=Exists(live),
        # The launch it awaits (catalog's one rule, which also keeps its price secret until then).
        upcoming_drop_start=launch_awaited(OuterRef("product_id"), now=now),
        in_closed_drop=Exists(
            drops.filter(collection__collection_type=Collection.Type.DROP, collection__ends_at__lte=now)
        ),
    )
    # Exists is a boolean and launch_awaited a time or None, which the checker cannot read from them.
    return cast("QuerySet[WithAnnotations[Variant, SaleWindow]]", annotated)


@functools.cache
def _sale_window_among(field: str) -> "CompiledQuery[WithAnnotations[Variant, SaleWindow]]":
    """The variants whose `field` is among the slot `values`, with their sale window: compiled once
    per process (core.compiled_query) for the reads of every add to cart and checkout."""
    return CompiledQuery(_sale_window_variants().filter(InSlot(field, "values")))


def variants_with_sale_window_among(
    *, field: str, values: Iterable[Any]
) -> "list[WithAnnotations[Variant, SaleWindow]]":
    """variants_with_sale_window(Q(<field>__in=values)), its SQL compiled once per process."""
    with at_moment(timezone.now()):
        return _sale_window_among(field).all(values=sorted(values))


def variants_with_sale_window(
    condition: Q, *, order: tuple[str, ...] = ()
) -> "list[WithAnnotations[Variant, SaleWindow]]":
    """The variants `condition` selects (in `order`), with their product, and whether a drop of it
    has not started or has closed, all judged at one moment."""
    variants = _sale_window_variants().filter(condition)
    if order:
        variants = variants.order_by(*order)
    with at_moment(timezone.now()):
        return list(variants)


def sku_in_live_drop(sku: str) -> bool:
    """Whether this SKU's product is in a drop on sale now (add-to-cart is limited more then)."""
    now = timezone.now()
    return (
        CollectionItem.objects.filter(
            product__variants__sku=str(sku)[:64],
            collection__collection_type=Collection.Type.DROP,
            collection__is_active=True,
            collection__starts_at__lte=now,
        )
        .filter(Q(collection__ends_at__isnull=True) | Q(collection__ends_at__gt=now))
        .exists()
    )


def check_sellable(variant: "WithAnnotations[Variant, SaleWindow]") -> None:
    product = variant.product
    if not variant.is_active or product.status != Product.Status.ACTIVE:
        raise CartError(_("%(name)s is not for sale.") % {"name": product.name})
    if variant.in_live_collection:
        return
    if variant.upcoming_drop_start is not None:
        when = date_format(timezone.localtime(variant.upcoming_drop_start), "DATETIME_FORMAT")
        raise CartError(_("%(name)s goes on sale on %(date)s.") % {"name": product.name, "date": when})
    if variant.in_closed_drop:
        raise CartError(_("The drop of %(name)s has closed.") % {"name": product.name})


def _check_limit(cart: Cart, lines: dict[LineKey, int], products: dict[int, Product], adding: dict[int, int]) -> None:
    """At most product.purchase_limit units of one product in the cart; for a
    signed-in customer inventory also counts what they hold elsewhere and have bought."""
    in_cart: dict[int, int] = {}
    if lines:
        ids = {key.variant_id for key in lines}
        for variant_id, product_id in Variant.objects.filter(pk__in=ids, product_id__in=products).values_list(
            "pk", "product_id"
        ):
            in_cart[product_id] = in_cart.get(product_id, 0) + sum(
                q for key, q in lines.items() if key.variant_id == variant_id
            )
    for product_id, quantity in adding.items():
        product = products[product_id]
        already = in_cart.get(product_id, 0)
        if product.exceeds_purchase_limit(held=already, adding=quantity):
            # The facts travel as inventory's refusal (its cause), for a caller that words them
            # for someone other than the shopper (staff taking an order).
            limit = PurchaseLimitExceeded(
                limit=product.purchase_limit,
                product=product.name,
                held=already,
                adding=quantity,
                product_id=product_id,
                in_cart=True,
            )
            raise CartError(
                ngettext(
                    "You can buy at most %(limit)d unit of %(name)s; your cart has %(held)d.",
                    "You can buy at most %(limit)d units of %(name)s; your cart has %(held)d.",
                    product.purchase_limit,
                )
                % {"limit": product.purchase_limit, "name": product.name, "held": already}
            ) from limit


def hold_minutes(cart: Cart) -> int:
    """Anonymous carts hold stock for less time than signed-in customers' carts."""
    minutes: int = site_setting("RESERVATION_MINUTES" if cart.customer is not None else "ANONYMOUS_RESERVATION_MINUTES")
    return minutes


def _lock_client(client: ClientId) -> None:
    """Serialise hold-taking per client IP and device (PostgreSQL advisory locks, always in the
    same order, released at commit); SQLite's IMMEDIATE transactions serialise writers anyway."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({f"cart-client:ip:{client.ip}", f"cart-client:device:{client.device}"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("pg_advisory_xact_lock(hashtextextended(%s, 0))" for _ in keys), keys)


@functools.cache
def _client_holds(with_device: bool) -> "CompiledQuery[Any]":
    """The units that the carts opened from the slot `ip` (and from the slot `device`, when `with_device`)
    hold of each of the slot `products`, as rows {product_id, ip_units, device_units}, judged at the
    moment the query runs. Compiled once per process: built and compiled on every add, it cost more
    than the add's other checks together."""
    by_ip = Q(cart_key__in=CartClient.objects.filter(ip=Slot("ip")).values("cart_key"))
    by_device = (
        Q(cart_key__in=CartClient.objects.filter(device=Slot("device")).values("cart_key"))
        if with_device
        else Q(pk__in=[])
    )
    return CompiledQuery(
        Reservation.objects.active(QueryMoment())
        .filter(by_ip | by_device)
        .filter(InSlot("stock_level__variant__product_id", "products"))
        .order_by()
        .values(product_id=F("stock_level__variant__product_id"))
        .annotate(ip_units=Sum("quantity", filter=by_ip), device_units=Sum("quantity", filter=by_device))
    )


def _check_client_cap(cart: Cart, client: ClientId, products: dict[int, Product], adding: dict[int, int]) -> None:
    """One client (IP, device cookie) holds at most CLIENT_HOLD_LIMIT_PER_IP / _PER_DEVICE units
    of one product across all the carts it opened. Runs inside the add's transaction, under
    the client's locks: three statements (lock, record the cart's client, sum the holds)."""
    _lock_client(client)
    CartClient.objects.bulk_create(
        [CartClient(cart_key=cart.id, ip=client.ip, device=client.device, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["cart_key"],
        update_fields=["ip", "device", "seen_at"],
    )
    held = {
        row["product_id"]: row
        for row in _client_holds(bool(client.device)).all(ip=client.ip, device=client.device, products=list(adding))
    }
    for product_id, quantity in adding.items():
        row = held.get(product_id, {})
        for units, limit, message in (
            (
                row.get("ip_units") or 0,
                settings.CLIENT_HOLD_LIMIT_PER_IP,
                _(
                    "Carts opened from your connection already hold %(held)d units of %(name)s, the most we allow "
                    "(%(limit)d) so that everyone can buy."
                ),
            ),
            (
                row.get("device_units") or 0,
                settings.CLIENT_HOLD_LIMIT_PER_DEVICE,
                _(
                    "Carts opened from this device already hold %(held)d units of %(name)s, the most we allow "
                    "(%(limit)d) so that everyone can buy."
                ),
            ),
        ):
            if units + quantity > limit:
                raise CartError(message % {"held": units, "name": products[product_id].name, "limit": limit})


def _hold(
    cart: Cart,
    requested: dict[int, int],
    client: ClientId | None,
    products: dict[int, Product],
    adding: dict[int, int],
    write_lines: Callable[[], object],
    capped: tuple[dict[int, Product], dict[int, int]] | None = None,
) -> None:
    """Take the holds and write the cart lines in one transaction: a cart store that fails
    (Redis away) rolls the holds back, so no stock stays blocked that no cart shows.
    `capped`: (products, units) the client's hold cap counts, when not `products`/`adding`
    (a bundle's are its parts', which is what its holds are)."""
    with transaction.atomic():
        if client is not None:
            _check_client_cap(cart, client, *(capped or (products, adding)))
        _reserve(
            cart,
            requested,
            bundles_in=any(product.product_type == Product.Type.BUNDLE for product in products.values()),
        )
        write_lines()


def _reserve(cart: Cart, requested: dict[int, int], *, bundles_in: bool) -> None:
    try:
        stock_reserve(
            lines=requested,
            cart_key=cart.id,
            customer=cart.customer,
            minutes=hold_minutes(cart),
            may_hold_bundles=bundles_in,
        )
    except InsufficientStock as error:
        raise CartError(insufficient_stock_message(error)) from error
    except PurchaseLimitExceeded as error:
        raise CartError(purchase_limit_message(error)) from error
    except InventoryError as error:
        raise CartError(str(error)) from error


def purchase_limit_message(error: PurchaseLimitExceeded) -> str:
    """The limit's refusal; when units held by an order still waiting for payment count toward it,
    it names that order and links to paying it (HTML, escaped), and says when they are released."""
    unpaid = next(
        filter(None, (ports.unpaid_order(order_id=order_id) for order_id in error.params.get("order_ids", []))), None
    )
    if unpaid is None:
        return str(error)
    link = format_html('<a href="{}">{}</a>', unpaid.pay_url, _("pay it here"))
    return mark_safe(
        _(
            "You can buy at most %(limit)d units of %(product)s and you already have %(held)d, counting your order "
            "%(number)s that is waiting for payment: %(link)s. We keep it until %(time)s; if you do not pay it, "
            "its units are released and you can add them again."
        )
        % {
            "limit": error.params["limit"],
            "product": conditional_escape(error.params["product"]),
            "held": error.params["held"],
            "number": conditional_escape(unpaid.number),
            "link": link,
            "time": time_format(timezone.localtime(unpaid.deadline)),
        }
    )


def cart_add(*, cart: Cart, sku: str, quantity: int, client: ClientId | None = None) -> Variant:
    """Add units of a variant: refused whole (with the reason) when the drop has not started,
    the product's per-customer limit or the client's hold cap would be passed, or the stock
    is not there."""
    variant = next(iter(variants_with_sale_window_among(field="sku", values=[str(sku)[:64]])), None)
    if variant is None:
        raise CartError(_("That product does not exist."))
    check_sellable(variant)
    capped: tuple[dict[int, Product], dict[int, int]] | None = None
    if variant.product.product_type == Product.Type.BUNDLE:
        per_bundle = dict(bundles.components_of([variant.pk]).get(variant.pk, []))
        parts = variants_with_sale_window_among(field="pk", values=per_bundle)
        for part in parts:
            # A part whose drop has not started (or closed) cannot be bought inside a bundle either.
            check_sellable(part)
        capped = ({part.product_id: part.product for part in parts}, {})
        for part in parts:
            capped[1][part.product_id] = capped[1].get(part.product_id, 0) + per_bundle[part.pk] * quantity
    store = cart_store()
    lines = store.lines(cart.id)
    products, adding = {variant.product_id: variant.product}, {variant.product_id: quantity}
    _check_limit(cart, lines, products, adding)
    _hold(
        cart,
        {variant.pk: quantity},
        client,
        products,
        adding,
        lambda: store.add(cart.id, LineKey(variant.pk), quantity),
        capped=capped,
    )
    if variant.product.promo_badge:
        # Only a product with a running offer (its stored badge says so) can earn a gift; one
        # that started meanwhile is settled by the cart page (cart.selectors.cart_priced).
        cart_gifts_sync(cart=cart)
    return variant


def cart_add_kit(
    *,
    cart: Cart,
    kit: Kit,
    variant_choices: dict[int, str],
    optional_item_ids: set[int],
    client: ClientId | None = None,
) -> list[Variant]:
    """Add a kit: its required items and the optional ones ticked, each as the chosen variant
    (variant_choices: {kit item id: SKU}; else the first one in stock)."""
    items = [
        item for item in kit.items.select_related("product") if not item.is_optional or item.pk in optional_item_ids
    ]
    if not items:
        raise CartError(_("This kit has nothing to add."))
    product_ids = [item.product_id for item in items]
    variants = variants_with_sale_window(Q(product_id__in=product_ids, is_active=True), order=("order", "pk"))
    # Without a choice (a product with one option, a form without the selects) an item gets
    # the kit page's default: its first option in stock.
    available = kit_item_availability(variants)
    chosen: dict[int, Variant] = {}
    for item in items:
        options = [v for v in variants if v.product_id == item.product_id]
        wanted = variant_choices.get(item.pk)
        pick = (
            next((v for v in options if v.sku == wanted), None)
            if wanted
            else first_in_stock(options, available, item.quantity)
        )
        if pick is None:
            raise CartError(_("Choose an available option of %(name)s.") % {"name": item.product.name})
        check_sellable(pick)
        chosen[item.pk] = pick
    store = cart_store()
    adding: dict[int, int] = {}
    for item in items:
        adding[item.product_id] = adding.get(item.product_id, 0) + item.quantity
    products = {item.product_id: item.product for item in items}
    _check_limit(cart, store.lines(cart.id), products, adding)
    requested: dict[int, int] = {}
    for item in items:
        requested[chosen[item.pk].pk] = requested.get(chosen[item.pk].pk, 0) + item.quantity

    def write_lines() -> None:
        for item in items:
            store.add(cart.id, LineKey(chosen[item.pk].pk, kit.pk), item.quantity)

    _hold(cart, requested, client, products, adding, write_lines)
    cart_gifts_sync(cart=cart)
    return list(chosen.values())


def _resync_holds(cart: Cart, variant_ids: set[int], totals: dict[int, int]) -> None:
    """Make the cart's holds of these variants equal to the cart's quantities, all or nothing."""
    # Holds are per component for bundle lines: compare in component units.
    parts_of = bundles.components_of(set(variant_ids) | set(totals))
    if parts_of:
        variant_ids = set(bundles.expand(dict.fromkeys(variant_ids, 1), parts_of))
        totals = bundles.expand(totals, parts_of)
    with transaction.atomic():
        held = [r.pk for r in reservations_held(cart_key=cart.id).filter(stock_level__variant_id__in=variant_ids)]
        if held:
            reservation_release(reservation_ids=held)
        wanted = {vid: totals[vid] for vid in variant_ids if totals.get(vid, 0) > 0}
        if wanted:
            _reserve(cart, wanted, bundles_in=False)  # already in component units


def _variant_totals(lines: dict[LineKey, int]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for key, quantity in lines.items():
        totals[key.variant_id] = totals.get(key.variant_id, 0) + quantity
    return totals


def cart_update(*, cart: Cart, line: LineKey, quantity: int, client: ClientId | None = None) -> None:
    """Set a line's quantity (0 removes it); its holds follow, within the client's hold cap.
    Holds and the cart line change in one transaction (a failed cart write rolls back the holds)."""
    store = cart_store()
    lines = store.lines(cart.id)
    if line not in lines:
        raise CartError(_("That line is no longer in your cart."))
    if line.is_gift:
        if quantity != lines[line]:
            raise CartError(
                _(
                    "A gift comes with its offer: its units cannot be changed, only removed. "
                    "To buy more units, add the product from its page."
                )
            )
        return
    products, adding = {}, {}
    if quantity > lines[line]:
        variant = next(iter(variants_with_sale_window(Q(pk=line.variant_id))), None)
        if variant is None:
            raise CartError(_("That product does not exist."))
        check_sellable(variant)
        products, adding = {variant.product_id: variant.product}, {variant.product_id: quantity - lines[line]}
        _check_limit(cart, lines, products, adding)
    lines[line] = quantity
    with transaction.atomic():
        if client is not None and adding:
            _check_client_cap(cart, client, products, adding)
        _resync_holds(cart, {line.variant_id}, _variant_totals(lines))
        store.set(cart.id, line, quantity)
    cart_gifts_sync(cart=cart)


def cart_remove(*, cart: Cart, line: LineKey) -> None:
    """Remove a line and its holds. Removing the cart's gift is a refusal the cart remembers:
    the gift comes back only when the lines that earn it change."""
    if line.is_gift:
        _gift_refuse(cart=cart, line=line)
        return
    store = cart_store()
    lines = store.lines(cart.id)
    lines.pop(line, None)
    with transaction.atomic():
        _resync_holds(cart, {line.variant_id}, _variant_totals(lines))
        store.set(cart.id, line, 0)
    cart_gifts_sync(cart=cart)


def _lock_cart_gifts(cart: Cart) -> None:
    """Serialise settling one cart's gifts (two tabs at once give one gift line, held once): a
    PostgreSQL advisory lock released at commit; SQLite serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"cart-gifts:{cart.id}"])


def _gift_refuse(*, cart: Cart, line: LineKey) -> None:
    store = cart_store()
    with transaction.atomic():
        _lock_cart_gifts(cart)
        snapshot = store.snapshot(cart.id)
        if line not in snapshot.lines:
            return
        due = gifts_earned(snapshot.lines).get(line.gift_offer_id) if line.gift_offer_id is not None else None
        lines = dict(snapshot.lines)
        lines.pop(line)
        _resync_holds(cart, {line.variant_id}, _variant_totals(lines))
        fields = {line.encode(): 0}
        if due is not None:
            fields[GIFT_REFUSED + str(due.offer_id)] = due.bought
        store.write_fields(cart.id, fields)


def gifts_settled(snapshot: CartSnapshot, due: dict[int, GiftDue]) -> bool:
    """Whether the cart's gift lines were settled for the lines it has now (what the cart page
    checks, without a query, before it settles them again: an offer may have started or ended)."""
    if snapshot.gift_seen != {offer_id: gift.bought for offer_id, gift in due.items()}:
        return False
    if any(offer_id not in due for offer_id in snapshot.gift_refused):
        return False
    return all(
        key.gift_offer_id in due and due[key.gift_offer_id].variant_id == key.variant_id
        for key in snapshot.lines
        if key.is_gift
    )


def _gifts_wanted(snapshot: CartSnapshot, due: dict[int, GiftDue]) -> tuple[dict[LineKey, int], dict[str, int]]:
    """The gift lines the cart's lines earn now ({line: units}), and the bookkeeping fields to
    write: a refusal forgotten once the earning units change, the units each offer was settled for."""
    fields: dict[str, int] = {}
    wanted: dict[LineKey, int] = {}
    for offer_id, gift in due.items():
        refused = snapshot.gift_refused.get(offer_id)
        if refused is not None and refused != gift.bought:
            fields[GIFT_REFUSED + str(offer_id)] = 0
            refused = None
        if refused is None:
            wanted[LineKey(gift.variant_id, gift_offer_id=offer_id)] = gift.earned
        if snapshot.gift_seen.get(offer_id) != gift.bought:
            fields[GIFT_SEEN + str(offer_id)] = gift.bought
    for offer_id in (set(snapshot.gift_seen) | set(snapshot.gift_refused)) - set(due):
        fields[GIFT_SEEN + str(offer_id)] = fields[GIFT_REFUSED + str(offer_id)] = 0
    return wanted, fields


def _gift_lines_held(
    cart: Cart, snapshot: CartSnapshot, variant_id: int, wanted: dict[LineKey, int], current: dict[LineKey, int]
) -> dict[str, int]:
    """Hold one gift variant's units (the paid ones first) and give its gift lines what was held."""
    fields: dict[str, int] = {}
    paid = sum(q for key, q in snapshot.lines.items() if key.variant_id == variant_id and not key.is_gift)
    gifts = sorted(key for key in wanted if key.variant_id == variant_id)
    given = _hold_gift_units(cart, variant_id, paid=paid, earned=sum(wanted[key] for key in gifts))
    for key in gifts:
        take = min(given, wanted[key])
        given -= take
        if take != current.get(key, 0):
            fields[key.encode()] = take
    for key in current:
        if key.variant_id == variant_id and key not in wanted:
            fields[key.encode()] = 0
    return fields


def cart_gifts_sync(*, cart: Cart, recheck: bool = False) -> None:
    """Give the gifts the cart's lines earn, each as its own free line with its stock held, and
    take away those no longer earned (their holds released). A gift the shopper removed stays
    out until the units that earn it change. Units earned beyond the gift's stock are not given
    (the cart says so); a gift out of stock never makes the cart fail."""
    store = cart_store()
    snapshot = store.snapshot(cart.id)
    due = gifts_earned(snapshot.lines)
    if not due and gifts_settled(snapshot, due):
        return  # the usual cart: no gift offer, nothing to settle (one query, no lock)
    with transaction.atomic():
        _lock_cart_gifts(cart)
        snapshot = store.snapshot(cart.id)
        wanted, fields = _gifts_wanted(snapshot, gifts_earned(snapshot.lines))
        current = {key: quantity for key, quantity in snapshot.lines.items() if key.is_gift}
        # recheck: the gift lines' holds lapsed and their stock may be gone; hold them again.
        changed = {key for key in set(current) | set(wanted) if recheck or current.get(key, 0) != wanted.get(key, 0)}
        for variant_id in sorted({key.variant_id for key in changed}):
            fields.update(_gift_lines_held(cart, snapshot, variant_id, wanted, current))
        store.write_fields(cart.id, fields)


def _hold_gift_units(cart: Cart, variant_id: int, *, paid: int, earned: int) -> int:
    """Hold the cart's units of the gift's variant (those the shopper pays first, then up to
    `earned` gift units, as many as stock allows); returns the gift units held. Two carts racing
    for the last unit: stock_reserve's row locks let one hold it, the other finds none left."""
    held = sum(r.quantity for r in reservations_held(cart_key=cart.id).filter(stock_level__variant_id=variant_id))
    given = earned
    for _attempt in range(3):
        room = availability_by_variant([variant_id])[variant_id] + held - paid
        given = max(min(given, room), 0)
        try:
            with transaction.atomic():
                _resync_holds(cart, {variant_id}, {variant_id: paid + given})
            return given
        except CartError:
            if given == 0:
                break
            given -= 1  # taken meanwhile: look again at what is left
    else:
        try:
            with transaction.atomic():
                _resync_holds(cart, {variant_id}, {variant_id: paid})  # no gift, the paid units held
            return 0
        except CartError:
            pass
    # Not even the paid units can be held now: the holds lapse, as the cart page says.
    reservation_release(
        reservation_ids=[r.pk for r in reservations_held(cart_key=cart.id).filter(stock_level__variant_id=variant_id)]
    )
    return 0


def cart_clear(*, cart: Cart) -> None:
    """Empty the cart and give back its holds (after an order took them over, or on request)."""
    reservation_release(cart_key=cart.id)
    cart_store().clear(cart.id)


def cart_merge(*, source_id: str, cart: Cart) -> MergeResult:
    """On login: the anonymous cart's lines join the customer's (quantities summed), then each
    variant is capped by its product's limit and by what is available, with a message per cap."""
    store = cart_store()
    moved = store.merge(source_id, cart.id)
    result = MergeResult(moved=sum(moved.values()))
    if not moved:
        return result
    reservation_release(cart_key=source_id)
    lines = store.lines(cart.id)
    variants = {
        v.pk: v
        for v in Variant.objects.filter(pk__in={k.variant_id for k in lines})
        .select_related("product")
        .prefetch_related("option_values")
    }
    # Cap each product at its limit, taking units off the lines that came last.
    per_product: dict[int, int] = {}
    for key in sorted(lines):
        variant = variants.get(key.variant_id)
        if variant is None:
            continue
        limit = variant.product.purchase_limit
        allowed = max(limit - per_product.get(variant.product_id, 0), 0)
        if lines[key] > allowed:
            result.capped.append(
                ngettext(
                    "%(name)s: reduced to %(count)d unit, the most one customer may buy.",
                    "%(name)s: reduced to %(count)d units, the most one customer may buy.",
                    allowed,
                )
                % {"name": variant.product.name, "count": allowed}
            )
            lines[key] = allowed
        per_product[variant.product_id] = per_product.get(variant.product_id, 0) + lines[key]
    # Then by what can be held now: this cart's holds are given back and taken again.
    reservation_release(cart_key=cart.id)
    totals = _variant_totals(lines)
    available = availability_by_variant(totals)
    available.update(bundle_availability(totals))
    for variant_id, total in totals.items():
        if total > available.get(variant_id, 0):
            keep = available.get(variant_id, 0)
            # Stock is per option: "Hoodie (M)", as every stock message names it.
            name = variants[variant_id].shopper_name if variant_id in variants else str(variant_id)
            result.capped.append(
                ngettext(
                    "%(name)s: reduced to %(count)d unit, all that is left.",
                    "%(name)s: reduced to %(count)d units, all that is left.",
                    keep,
                )
                % {"name": name, "count": keep}
            )
            for key in sorted((k for k in lines if k.variant_id == variant_id), reverse=True):
                take = min(lines[key], total - keep)
                lines[key] -= take
                total -= take
            totals[variant_id] = keep
    for key, quantity in lines.items():
        store.set(cart.id, key, quantity)
    wanted = {vid: q for vid, q in totals.items() if q > 0}
    if wanted:
        try:
            stock_reserve(lines=wanted, cart_key=cart.id, customer=cart.customer)
        except InventoryError:
            pass  # someone took the units meanwhile: the cart page shows which lines lapsed
    cart_gifts_sync(cart=cart)
    return result


def cart_contact_record(*, cart: Cart, email: str) -> None:
    """A guest gave their e-mail at checkout for this cart: who a forgotten-cart reminder may go
    to (only with their marketing consent). A signed-in customer's cart needs none."""
    if cart.customer is not None or not email:
        return
    CartContact.objects.update_or_create(cart_key=cart.id, defaults={"email": email.strip().lower()[:254]})


def cart_forget(*, cart: Cart) -> None:
    """A closed account's cart: emptied (its holds given back) and its client records gone."""
    cart_clear(cart=cart)
    with transaction.atomic():
        CartClient.objects.filter(cart_key=cart.id).delete()
        CartContact.objects.filter(cart_key=cart.id).delete()


@transaction.atomic
def cart_records_drop_before(*, cutoff: datetime) -> int:
    """Client records (IP address, device) and guests' checkout e-mails of carts untouched since
    before `cutoff`: the cart itself expired from Redis long ago. How many rows went."""
    return (
        CartClient.objects.filter(seen_at__lt=cutoff).delete()[0]
        + CartContact.objects.filter(updated_at__lt=cutoff).delete()[0]
    )
