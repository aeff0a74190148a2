"""Reviews in Chromium: a customer with a delivered order writes a review from the order page;
staff approve it in the admin; the stars and count show on the product page and the listing;
another customer marks it helpful. Then the review pages at 1280 and 390 px."""

import pytest
from constance import config
from playwright.sync_api import expect

from reviews import services
from reviews.models import Review
from tests.e2e.helpers import DESKTOP, PHONE, admin_action, screenshot
from tests.factories import PASSWORD, UserFactory
from tests.factories import delivered_order_of as delivered_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("reviews_journey")]


def sign_in(page, user, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def manual_moderation():
    # Set directly: override_config cannot restore a value read inside Playwright's event loop.
    config.REVIEWS_AUTO_APPROVE_VERIFIED = False
    yield
    config.REVIEWS_AUTO_APPROVE_VERIFIED = True


def test_review_journey(new_page, shop, manual_moderation):
    product = shop["products"][0]
    customer = UserFactory(first_name="Rosa", last_name="Quispe")
    order = delivered_order(customer, product.variants.first())
    staff = UserFactory(is_staff=True, is_superuser=True)
    neighbour = UserFactory(first_name="Jorge")

    page = new_page()
    sign_in(page, customer, f"/account/orders/{order.number}/")
    page.get_by_role("link", name="Opinar sobre este producto").click()
    page.locator("label.rating-choice", has_text="4 estrellas").click()
    page.fill("input[name=title]", "Buen rendimiento en 1440p")
    page.fill("textarea[name=body]", "Juego a 1440p sin problemas y no se calienta. <b>Recomendada</b>.")
    page.get_by_role("button", name="Publicar opinión").click()
    page.locator(".alert--success", has_text="cuando la revisemos").wait_for()
    expect(page.locator("#reviews .badge", has_text="En revisión")).to_be_visible()
    review = Review.objects.get(user=customer)
    assert review.is_verified_purchase and review.status == "pending"

    admin = new_page()
    sign_in(admin, staff, "/admin/reviews/review/")
    admin.locator(f"input[name=_selected_action][value='{review.pk}']").check()
    admin_action(admin, "approve")
    admin.locator(".messagelist", has_text="aprobada").wait_for()
    screenshot(admin, "reviews-admin-queue")

    shopper = new_page()
    shopper.goto(product.get_absolute_url())
    assert shopper.locator(".product-meta .rating strong").inner_text() == "4.0"
    assert "(1 opinión)" in shopper.locator(".product-meta").inner_text()
    item = shopper.locator(f"#review-{review.pk}")
    assert "Compra verificada" in item.inner_text() and "<b>Recomendada</b>" in item.inner_text()
    shopper.goto(shop["category"].get_absolute_url())
    card = shopper.locator(".product-card", has_text=product.name)
    assert "4.0" in card.locator(".card-rating").inner_text() and "(1)" in card.locator(".card-rating").inner_text()

    other = new_page(PHONE)
    sign_in(other, neighbour, product.get_absolute_url())
    other.locator(f"#review-{review.pk}").get_by_role("button", name="Útil").click()
    other.locator(f"#review-{review.pk}", has_text="Te resultó útil").wait_for()
    assert "A 1 persona le resultó útil" in other.locator(f"#review-{review.pk}").inner_text()
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_review_pages_look_right(new_page, shop):
    """Screenshots of the product reviews, listing cards with stars, the line and the seller page."""
    texts = [
        (5, "Excelente tarjeta", "Llegó en dos días a Surco, bien embalada. Corre todo en ultra."),
        (4, "Muy buena, algo ruidosa", "Rinde muy bien; los ventiladores se escuchan con carga alta."),
        (5, "Vale cada sol", "Pasé de una 1660 y la diferencia es enorme. La boleta llegó al correo."),
        (3, "Cumple", "Buena, pero el cable de poder quedó justo en mi case."),
        (5, "Recomendada", "Original, con garantía. Volvería a comprar en la tienda."),
        (2, "Llegó con la caja golpeada", "Funciona, pero la caja llegó maltratada."),
    ]
    staff = UserFactory(is_staff=True, is_superuser=True)
    for index, (rating, title, body) in enumerate(texts):
        product = shop["products"][index % 2]
        user = UserFactory(
            first_name=["Lucía", "Jorge", "Carla", "Diego", "Milagros", "Renzo"][index], last_name="Paredes"
        )
        review = services.review_create(user=user, product=product, rating=rating, title=title, body=body)
        services.review_approve(review_id=review.pk, moderator=staff)
    services.seller_reputation_compute(seller=shop["seller"])
    product = shop["products"][0]
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport)
        page.goto(product.get_absolute_url() + "#reviews")
        assert page.locator(".rating-bar").count() == 5
        screenshot(page, "reviews-product")
        page.goto(shop["category"].get_absolute_url() + "?rating=4")
        assert page.locator(".product-card .stars").count() >= 1
        screenshot(page, "reviews-listing")
        page.goto(shop["line"].get_absolute_url())
        assert "opiniones entre todas las versiones" in page.locator("#reviews").inner_text()
        screenshot(page, "reviews-line")
        page.goto("/tienda/andes-gaming/")
        assert "sin datos aún" in page.locator(".seller-reputation").inner_text()
        screenshot(page, "reviews-seller")
    writer = new_page(PHONE)
    sign_in(writer, UserFactory(first_name="Ana"), product.get_absolute_url() + "#reviews")
    writer.locator(".reviews-compose summary").click()
    writer.locator(".reviews-compose label.rating-choice", has_text="5 estrellas").click()
    writer.fill("#review_title", "Llegó rapidísimo")
    writer.fill("#review_body", "Todo conforme, gracias.")
    screenshot(writer, "reviews-compose")
    writer.get_by_role("button", name="Publicar opinión").click()
    writer.locator(".alert--success").wait_for()
    assert Review.objects.filter(title="Llegó rapidísimo", status="pending").exists()
