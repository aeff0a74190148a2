"""Reviews on a popular product: the product page and one page of reviews with REVIEWS_BENCH
approved reviews (default 5,000) on the product and as many again on its line, and the cost of
an approval (the set-based recount of the product and its line under their row locks)."""

import os

from django.contrib.auth import get_user_model
from django.test import Client

from bench.timing import figures, measure
from catalog.models import Brand, Category, Family, Product, ProductLine, Variant
from catalog.services import product_save, variant_save
from reviews import services
from reviews.models import Review, ReviewStatus

REVIEWS = int(os.environ.get("REVIEWS_BENCH", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))


def _ensure_data() -> tuple[Product, list[int]]:
    family, _ = Family.objects.get_or_create(slug="bench-reviews", defaults={"name": "Bench reviews"})
    category, _ = Category.objects.get_or_create(slug="bench-reviews", defaults={"name": "Bench", "family": family})
    brand, _ = Brand.objects.get_or_create(slug="bench-reviews", defaults={"name": "Bench reviews"})
    line, _ = ProductLine.objects.get_or_create(
        slug="bench-reviews", defaults={"name": "Bench line", "category": category}
    )
    products = []
    for index in range(2):
        product = Product.objects.filter(slug=f"bench-reviews-{index}").first() or product_save(
            product=Product(
                slug=f"bench-reviews-{index}",
                name=f"Bench reviewed {index}",
                base_sku=f"BENCH-REV-{index}",
                brand=brand,
                category=category,
                line=line,
                base_price=100,
                status="active",
            )
        )
        if not Variant.objects.filter(sku=f"BENCH-REV-{index}-1").exists():
            variant_save(variant=Variant(sku=f"BENCH-REV-{index}-1", product=product))
        products.append(product)
    User = get_user_model()
    if Review.objects.filter(product__in=products).count() < REVIEWS * 2:
        Review.objects.filter(product__in=products).delete()
        users = User.objects.bulk_create(
            [User(email=f"bench-reviewer-{i}@example.pe") for i in range(REVIEWS)], ignore_conflicts=True
        )
        users = list(User.objects.filter(email__startswith="bench-reviewer-").order_by("pk")[:REVIEWS])
        Review.objects.bulk_create(
            [
                Review(
                    product=product,
                    user=user,
                    rating=1 + i % 5,
                    title="Bench",
                    body="Texto de prueba",
                    status=ReviewStatus.APPROVED,
                    helpful_count=i % 17,
                )
                for product in products
                for i, user in enumerate(users)
            ],
            batch_size=2000,
        )
        services.ratings_refresh(product_id=products[0].pk)
        services.ratings_refresh(product_id=products[1].pk)
    pending = list(Review.objects.filter(product=products[0]).order_by("pk").values_list("pk", flat=True)[: REPEAT + 5])
    return products[0], pending


def run():
    product, toggled = _ensure_data()
    client = Client()
    yield {"name": "reviews.product_reviews", "value": product.reviews.count(), "unit": "count"}
    for name, url in {
        "reviews.product_page": f"/p/{product.slug}/",
        "reviews.page_20_newest": f"/p/{product.slug}/reviews/?sort=newest&page=20",
    }.items():
        headers = {"HTTP_HX_REQUEST": "true"} if "reviews/" in url else {}
        client.get(url, **headers)
        yield from figures(name, measure(lambda url=url, headers=headers: client.get(url, **headers), repeat=REPEAT))

    reviews = iter(toggled * 3)

    def approve_after_reject():
        review_id = next(reviews)
        services.review_reject(review_id=review_id, moderator=None, reason="bench")
        services.review_approve(review_id=review_id, moderator=None)

    yield from figures("reviews.reject_then_approve", measure(approve_after_reject, repeat=REPEAT))
