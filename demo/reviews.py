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
# (rating, title, body): what Peruvian shoppers write, from delighted to disappointed.
TEXTS = {
    5: [
        ("Excelente, tal cual la foto", "Llegó en dos días a Surco y bien embalado. La calidad es muy buena para el precio, lo recomiendo."),
        ("Superó lo que esperaba", "Lo uso todos los días y funciona perfecto. Buena atención y la boleta llegó al correo."),
        ("Muy buena compra", "Buen acabado y se siente resistente. Ya es mi segunda compra en la tienda y todo bien."),
        ("Recomendado al 100 %", "Llegó antes de la fecha indicada. El producto es original y viene con su garantía."),
    ],
    4: [
        ("Bueno, con un detalle", "El producto cumple y la calidad es buena. Le bajo una estrella porque la caja llegó un poco golpeada."),
        ("Buena relación calidad-precio", "Por lo que cuesta está muy bien. El color es un poquito distinto al de la foto, pero me gustó."),
        ("Cumple lo prometido", "Funciona bien y el envío a Arequipa demoró cuatro días. Volvería a comprar."),
    ],
    3: [
        ("Está bien, sin más", "Hace lo que dice, pero esperaba un mejor acabado. Para el día a día sirve."),
        ("Regular", "La talla/medida es algo justa, revisen bien la guía antes de comprar. El envío fue rápido."),
    ],
    2: [
        ("No me convenció", "La calidad no es la que esperaba por el precio. Atención al cliente respondió rápido, eso sí."),
    ],
    1: [
        ("Llegó con fallas", "Vino con un defecto y tuve que pedir el cambio. El cambio lo hicieron, pero perdí una semana."),
    ],
}
RATING_WEIGHTS = {5: 52, 4: 28, 3: 11, 2: 6, 1: 3}


def _reviewer(email: str, first: str, last: str):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name=first, last_name=last,
                                        email_verified=True)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _text(r: random.Random, rating: int) -> tuple[str, str]:
    return r.choice(TEXTS[rating])


def _write(user, product, r: random.Random, moderator) -> bool:
    # Every draw happens whether or not the review exists, so a second run draws the same.
    rating = r.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
    title, body = _text(r, rating)
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
    # Verified: one review per delivered demo order line's product (ratings lean high, as real ones do).
    delivered = (OrderLine.objects.filter(order__status=OrderStatus.DELIVERED, order__customer__isnull=False)
                 .select_related("order__customer", "variant__product").order_by("pk"))
    for line in delivered:
        written += _write(line.order.customer, line.variant.product, random.Random(f"{SEED}:line:{line.pk}"), moderator)
    with transaction.atomic():
        reviewers = [_reviewer(*row) for row in REVIEWERS]
    popular = list(visible_products().order_by("-units_sold", "pk")[:POPULAR_PRODUCTS])
    for index, product in enumerate(tqdm(popular, desc="Opiniones", unit="prod", disable=not progress)):
        # The more popular, the more reviews: 6 down to 2.
        r = random.Random(f"{SEED}:product:{product.pk}")
        for reviewer in r.sample(reviewers, k=max(2, 6 - index // 8)):
            written += _write(reviewer, product, r, moderator)
    return written


def rebuild_ratings() -> int:
    """Make every stored rating the truth of the approved reviews (clears numbers left by older
    demo loaders that invented them); returns how many products or lines were corrected."""
    from reviews.recount import ratings_drift, ratings_rebuild

    drift = ratings_drift()
    ratings_rebuild(drift)
    return len(drift)


DEMO_SELLER = ("ventas@andestech.demo.kallpa.pe", "Andes Tech", "20608745123")


def ensure_demo_seller(moderator) -> None:
    """One approved marketplace seller listing every fourth popular product, so the seller page and
    its reputation have something true to show (skipped once the seller exists)."""
    from accounts.models import Seller
    from accounts.services import seller_apply, seller_approve
    from catalog.services import products_assign_seller

    email, store_name, ruc = DEMO_SELLER
    if moderator is None or Seller.objects.filter(ruc=ruc).exists():
        return
    with transaction.atomic():
        user = _reviewer(email, "Andes", "Tech")
        seller = seller_approve(seller=seller_apply(user=user, store_name=store_name, ruc=ruc), actor=moderator)
        popular = list(visible_products().filter(seller__isnull=True).order_by("-units_sold", "pk")
                       .values_list("pk", flat=True)[:POPULAR_PRODUCTS])
        products_assign_seller(product_ids=popular[::4], seller_id=seller.pk)


def load_demo_reputations() -> int:
    return services.seller_reputations_compute_all()


def ensure_demo_reviews() -> None:
    moderator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    ensure_demo_seller(moderator)
    load_demo_reviews()
    rebuild_ratings()
    load_demo_reputations()

