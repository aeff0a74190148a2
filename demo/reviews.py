"""Demo reviews, written through reviews.services (idempotent: a second run writes nothing).

Verified reviews come from whatever delivered demo orders exist (none is fine); a handful of demo
reviewer accounts (not verified) review the most popular products. Every rating shown in the demo
store is the average of these rows. Sellers' reputations are then computed by the service.
"""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from tqdm import tqdm

from catalog.models import awaiting_launch
from catalog.selectors import visible_products
from orders.models import OrderLine, OrderStatus
from reviews import services
from reviews.models import Review

SEED = 14
POPULAR_PRODUCTS = 40
REVIEWERS = [
    ("lucia.mendoza@demo.kallpa.pe", "Lucía", "Mendoza"),
    ("jorge.huaman@demo.kallpa.pe", "Jorge", "Huamán"),
    ("carla.rojas@demo.kallpa.pe", "Carla", "Rojas"),
    ("diego.salazar@demo.kallpa.pe", "Diego", "Salazar"),
    ("milagros.tello@demo.kallpa.pe", "Milagros", "Tello"),
    ("renzo.paredes@demo.kallpa.pe", "Renzo", "Paredes"),
    ("andrea.cardenas@demo.kallpa.pe", "Andrea", "Cárdenas"),
]
# What Peruvian shoppers write, from delighted to disappointed: per rating, titles and the three
# sentences a body is made of (an opening, a detail, a closing). Bodies are combined so that no
# two demo reviews read the same, as no two real ones do.
TITLES = {
    5: [
        "Excelente, tal cual la foto",
        "Superó lo que esperaba",
        "Muy buena compra",
        "Recomendado al 100 %",
        "Me encantó",
        "Llegó perfecto",
    ],
    4: [
        "Bueno, con un detalle",
        "Buena relación calidad-precio",
        "Cumple lo prometido",
        "Bien, lo volvería a comprar",
        "Casi perfecto",
    ],
    3: ["Está bien, sin más", "Regular", "Cumple a medias", "Ni bueno ni malo"],
    2: ["No me convenció", "Esperaba más", "Flojo para el precio"],
    1: ["Llegó con fallas", "Mala experiencia", "No lo recomiendo"],
}
BODIES = {
    5: (
        [
            "Llegó en dos días a Surco y bien embalado.",
            "Lo uso todos los días y funciona perfecto.",
            "Buen acabado y se siente resistente.",
            "Llegó antes de la fecha indicada.",
            "Lo pedí para regalo y quedaron encantados.",
            "El pedido llegó a Miraflores al día siguiente.",
        ],
        [
            "La calidad es muy buena para el precio.",
            "El producto es original y viene con su garantía.",
            "Es igualito a las fotos de la página.",
            "Los materiales se sienten de buena calidad.",
            "Se nota que está bien hecho.",
            "Trae todo lo que indica la descripción.",
        ],
        [
            "Lo recomiendo.",
            "Ya es mi segunda compra en la tienda y todo bien.",
            "La boleta llegó al correo sin problema.",
            "Volveré a comprar aquí.",
            "Cinco estrellas bien merecidas.",
        ],
    ),
    4: (
        [
            "El producto cumple y la calidad es buena.",
            "Por lo que cuesta está muy bien.",
            "Funciona bien desde el primer día.",
            "Llegó completo y en buen estado.",
            "Estoy contento con la compra.",
        ],
        [
            "Le bajo una estrella porque la caja llegó un poco golpeada.",
            "El color es un poquito distinto al de la foto, pero me gustó.",
            "El envío a Arequipa demoró cuatro días.",
            "Las instrucciones podrían ser más claras.",
            "Tardaron un día más de lo indicado en despacharlo.",
        ],
        ["Volvería a comprar.", "Igual lo recomiendo.", "Buena atención por WhatsApp.", "En general, satisfecho."],
    ),
    3: (
        [
            "Hace lo que dice, pero esperaba un mejor acabado.",
            "La talla/medida es algo justa.",
            "El producto está bien, nada especial.",
            "Cumple, aunque se siente algo frágil.",
        ],
        [
            "Revisen bien la guía antes de comprar.",
            "Para el día a día sirve.",
            "Por ese precio hay opciones parecidas.",
            "Ojalá mejoren el empaque.",
        ],
        ["El envío fue rápido.", "La atención fue correcta.", "Veremos cómo resiste con el uso."],
    ),
    2: (
        [
            "La calidad no es la que esperaba por el precio.",
            "Se ve bien en fotos, pero en persona no tanto.",
            "A las dos semanas ya mostraba desgaste.",
        ],
        [
            "Atención al cliente respondió rápido, eso sí.",
            "El envío llegó a tiempo, eso sí.",
            "La devolución parece sencilla, lo estoy pensando.",
        ],
        ["No sé si volvería a comprarlo.", "Esperaba más de la marca.", "Lo dejo como aviso para otros."],
    ),
    1: (
        [
            "Vino con un defecto y tuve que pedir el cambio.",
            "Dejó de funcionar a los pocos días.",
            "Llegó con una pieza rota.",
        ],
        [
            "El cambio lo hicieron, pero perdí una semana.",
            "Me atendieron, pero el trámite fue lento.",
            "Pedí la devolución y me devolvieron el dinero.",
        ],
        ["No lo recomiendo.", "Una pena, porque se veía bien.", "Espero que revisen mejor antes de enviar."],
    ),
}
RATING_WEIGHTS = {5: 52, 4: 28, 3: 11, 2: 6, 1: 3}


def _reviewer(email: str, first: str, last: str):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, first_name=first, last_name=last, email_verified=True
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _text(r: random.Random, rating: int, used: set[str]) -> tuple[str, str]:
    """A title and a body no other demo review has (used: the bodies already written or drawn)."""
    title = r.choice(TITLES[rating])
    openings, details, closings = BODIES[rating]
    bodies = [f"{opening} {detail} {closing}" for opening in openings for detail in details for closing in closings]
    r.shuffle(bodies)
    body = next((body for body in bodies if body not in used), None)
    if body is None:  # every combination taken: more reviews than the demo writes; still none alike
        body = f"{bodies[0]} (opinión {len(used) + 1})"
    used.add(body)
    return title, body


def _write(user, product, r: random.Random, moderator, used: set[str]) -> bool:
    # Every draw happens whether or not the review exists, so a second run draws the same.
    rating = r.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
    title, body = _text(r, rating, used)
    if Review.objects.filter(user=user, product=product).exists():
        return False
    review = services.review_create(user=user, product=product, rating=rating, title=title, body=body)
    if not review.is_approved:
        services.review_approve(review_id=review.pk, moderator=moderator)
    return True


def load_demo_reviews(*, progress: bool = True) -> int:
    """Write the demo reviews that are missing; return how many were written."""
    moderator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    written = 0
    used = set(Review.objects.values_list("body", flat=True))  # no demo body repeats one already written
    # Verified: one review per delivered demo order line's product (ratings lean high, as real ones do).
    delivered = (
        OrderLine.objects.filter(order__status=OrderStatus.DELIVERED, order__customer__isnull=False)
        .select_related("order__customer", "variant__product")
        .order_by("pk")
    )
    for line in delivered:
        # Seeded by what names the line, not by its id: ids go on from wherever the database's sequences
        # stand (after a --reset, from the old catalog's), and the same demo must get the same reviews.
        order = line.order
        seed = f"{SEED}:line:{order.idempotency_key or order.number}:{line.variant.sku}"
        written += _write(order.customer, line.variant.product, random.Random(seed), moderator, used)
    with transaction.atomic():
        reviewers = [_reviewer(*row) for row in REVIEWERS]
    # Nobody has used a product whose drop has not started (it cannot be bought yet): no reviews of it.
    popular = list(
        visible_products().exclude(pk__in=awaiting_launch()).order_by("-units_sold", "pk")[:POPULAR_PRODUCTS]
    )
    for index, product in enumerate(tqdm(popular, desc="Opiniones", unit="prod", disable=not progress)):
        # The more popular, the more reviews: 6 down to 2.
        r = random.Random(f"{SEED}:product:{product.slug}")
        for reviewer in r.sample(reviewers, k=max(2, 6 - index // 8)):
            written += _write(reviewer, product, r, moderator, used)
    return written


def rebuild_ratings() -> int:
    """Make every stored rating the truth of the approved reviews (clears numbers left by older
    demo loaders that invented them); returns how many products or lines were corrected."""
    from reviews.recount import ratings_drift, ratings_rebuild

    drift = ratings_drift()
    ratings_rebuild(drift)
    return len(drift)


DEMO_SELLER = ("ventas@andestech.demo.kallpa.pe", "Andes Tech", "20608745123")
# What it sells: technology (a tech seller listing coffee tables and polos is no shop anyone knows).
DEMO_SELLER_CATEGORIES = ["tarjetas-graficas", "laptops", "monitores", "perifericos", "teclados", "mouse", "audifonos"]


def ensure_demo_seller(moderator) -> None:
    """One approved marketplace seller listing every fourth popular product of its trade, so the
    seller page and its reputation have something true to show (skipped once the seller exists)."""
    from accounts.models import Seller
    from accounts.services import seller_apply, seller_approve
    from catalog.services import products_assign_seller

    email, store_name, ruc = DEMO_SELLER
    if moderator is None or Seller.objects.filter(ruc=ruc).exists():
        return
    with transaction.atomic():
        user = _reviewer(email, "Andes", "Tech")
        seller = seller_approve(seller=seller_apply(user=user, store_name=store_name, ruc=ruc), actor=moderator)
        popular = list(
            visible_products()
            .filter(seller__isnull=True, category__slug__in=DEMO_SELLER_CATEGORIES)
            .order_by("-units_sold", "pk")
            .values_list("pk", flat=True)[:POPULAR_PRODUCTS]
        )
        products_assign_seller(product_ids=popular[::4], seller_id=seller.pk)


def load_demo_reputations() -> int:
    return services.seller_reputations_compute_all()


@transaction.atomic
def ensure_demo_reviews() -> None:
    """One transaction for the step: each approval makes its category's kept counts not current, and the
    refresh is enqueued at the commit (catalog.catalog_version), so once for the step instead of once a review."""
    moderator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    ensure_demo_seller(moderator)
    load_demo_reviews()
    rebuild_ratings()
    load_demo_reputations()
