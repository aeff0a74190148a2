import pytest
from django.urls import reverse

from catalog import listing_cache
from reviews import services
from reviews.models import Review, ReviewStatus
from tests.factories import ProductFactory, UserFactory, write
from tests.factories import delivered_order_of as delivered_order

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


def _approved(user, product, staff, **extra):
    review = write(user, product, **extra)
    return services.review_approve(review_id=review.pk, moderator=staff)


def test_product_page_without_reviews_shows_no_rating_and_no_json_ld_rating(client, product):
    html = client.get(product.get_absolute_url()).content.decode()
    assert "aggregateRating" not in html
    assert "Aún no hay opiniones" in html


def test_page_and_json_ld_show_the_same_rounded_number(client, product, staff):
    for rating in (5, 5, 4, 5, 4, 5):  # 4.67
        _approved(UserFactory(), product, staff, rating=rating)
    html = client.get(product.get_absolute_url()).content.decode()
    assert '"ratingValue": "4.7"' in html
    assert html.count(">4.7<") == 2  # the summary under the title and the reviews section


def test_review_bodies_are_escaped_in_the_shop_and_the_admin(client, product, staff):
    review = _approved(UserFactory(), product, staff, title=XSS, body=XSS)
    html = client.get(product.get_absolute_url()).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    client.force_login(staff)
    admin_html = client.get(reverse("admin:reviews_review_change", args=[review.pk])).content.decode()
    listing = client.get(reverse("admin:reviews_review_changelist")).content.decode()
    assert XSS not in admin_html and XSS not in listing and "&lt;script&gt;" in admin_html


class TestWriting:
    def test_anonymous_is_sent_to_sign_in(self, client, product):
        response = client.post(reverse("reviews:create", args=[product.slug]), {"rating": 5, "title": "t", "body": "b"})
        assert response.status_code == 302 and "login" in response["Location"]
        assert not Review.objects.exists()

    def test_a_verified_customer_publishes_a_review(self, client, customer, product, variant):
        delivered_order(customer, variant)
        client.force_login(customer)
        response = client.post(
            reverse("reviews:create", args=[product.slug]),
            {"rating": "4", "title": "Buena compra", "body": "Llegó rápido."},
        )
        assert response.status_code == 302
        product.refresh_from_db()
        assert product.rating_count == 1
        html = client.get(product.get_absolute_url()).content.decode()
        assert "Compra verificada" in html and "Buena compra" in html

    @pytest.mark.parametrize(
        "data",
        [
            {"rating": "6", "title": "t", "body": "b"},
            {"rating": "0", "title": "t", "body": "b"},
            {"rating": "cinco", "title": "t", "body": "b"},
            {"rating": "5", "title": "", "body": "b"},
            {"rating": "5", "title": "t" * 500, "body": "b"},
            {"rating": "5", "title": "t", "body": "b\x00"},
        ],
    )
    def test_bad_input_is_a_400_with_a_message_and_nothing_written(self, client, customer, product, data):
        client.force_login(customer)
        response = client.post(reverse("reviews:create", args=[product.slug]), data)
        assert response.status_code == 400
        # A control character is refused before the form (the bad-characters middleware's 400 page).
        html = response.content.decode()
        assert "\x00" in data["body"] or "field-error" in html or "form-errors" in html
        assert not Review.objects.exists()

    def test_a_second_review_goes_to_editing_the_first(self, client, customer, product):
        review = write(customer, product)
        client.force_login(customer)
        response = client.post(
            reverse("reviews:create", args=[product.slug]), {"rating": "1", "title": "t", "body": "b"}
        )
        assert response.status_code == 302 and response["Location"] == reverse("reviews:edit", args=[review.pk])
        assert Review.objects.count() == 1

    def test_posting_is_rate_limited_per_user(self, client, product, settings):
        settings.REVIEWS_POST_RATE_LIMIT = "2/h/user"
        user = UserFactory()
        client.force_login(user)
        products = [ProductFactory() for _ in range(3)]
        statuses = [
            client.post(
                reverse("reviews:create", args=[p.slug]), {"rating": "5", "title": "t", "body": "b"}
            ).status_code
            for p in products
        ]
        assert statuses == [302, 302, 429]
        assert Review.objects.filter(user=user).count() == 2

    def test_unknown_product_is_404(self, client, customer):
        client.force_login(customer)
        assert client.get(reverse("reviews:create", args=["no-existe"])).status_code == 404


class TestEditDelete:
    def test_another_users_review_is_404_and_untouched(self, client, customer, other_user, product):
        review = write(customer, product)
        client.force_login(other_user)
        assert (
            client.post(
                reverse("reviews:edit", args=[review.pk]), {"rating": "1", "title": "x", "body": "y"}
            ).status_code
            == 404
        )
        assert client.post(reverse("reviews:delete", args=[review.pk])).status_code == 404
        review.refresh_from_db()
        assert review.rating == 5

    def test_the_author_edits_and_deletes(self, client, customer, product):
        review = write(customer, product)
        client.force_login(customer)
        response = client.post(
            reverse("reviews:edit", args=[review.pk]), {"rating": "3", "title": "Editada", "body": "Otra"}
        )
        assert response.status_code == 302
        review.refresh_from_db()
        assert (review.rating, review.title) == (3, "Editada") and review.edited_at
        assert client.post(reverse("reviews:delete", args=[review.pk])).status_code == 302
        assert not Review.objects.exists()


class TestVotes:
    def test_vote_by_htmx_and_own_vote_refused(self, client, customer, other_user, product, staff):
        review = _approved(customer, product, staff)
        client.force_login(other_user)
        response = client.post(reverse("reviews:vote", args=[review.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and "Te resultó útil" in response.content.decode()
        again = client.post(reverse("reviews:vote", args=[review.pk]), HTTP_HX_REQUEST="true")
        assert "Ya marcaste esta opinión como útil" in again.content.decode()
        client.force_login(customer)
        own = client.post(reverse("reviews:vote", args=[review.pk]), HTTP_HX_REQUEST="true")
        assert "No puedes votar por tu propia opinión" in own.content.decode()
        review.refresh_from_db()
        assert review.helpful_count == 1

    def test_without_javascript_a_refused_vote_redirects_with_the_message(self, client, customer, product, staff):
        review = _approved(customer, product, staff)
        client.force_login(customer)
        response = client.post(reverse("reviews:vote", args=[review.pk]), follow=True)
        assert "No puedes votar por tu propia opinión" in response.content.decode()
        review.refresh_from_db()
        assert review.helpful_count == 0

    def test_report_by_htmx(self, client, customer, other_user, product, staff):
        review = _approved(customer, product, staff)
        client.force_login(other_user)
        response = client.post(reverse("reviews:report", args=[review.pk]), HTTP_HX_REQUEST="true")
        assert "Revisaremos esta opinión" in response.content.decode()
        review.refresh_from_db()
        assert review.report_count == 1

    def test_unknown_review_is_404(self, client, customer):
        client.force_login(customer)
        assert client.post(reverse("reviews:vote", args=[999999])).status_code == 404


def test_reviews_sort_and_page_by_htmx(client, product, staff):
    reviews = [_approved(UserFactory(), product, staff, title=f"Opinión {i}") for i in range(7)]
    services.review_vote_helpful(user=UserFactory(), review_id=reviews[0].pk)
    url = reverse("reviews:product_reviews", args=[product.slug])
    helpful = client.get(url, {"sort": "helpful"}, HTTP_HX_REQUEST="true").content.decode()
    assert helpful.index("Opinión 0") < helpful.index("Opinión 6")
    newest = client.get(url, {"sort": "newest", "page": "2"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Página 2 de 2" in newest
    assert client.get(url, {"sort": "bogus", "page": "x"}, HTTP_HX_REQUEST="true").status_code == 200


def test_pending_and_rejected_reviews_are_not_shown(client, customer, product, staff):
    write(customer, product, title="Pendiente")
    rejected = write(UserFactory(), product, title="Rechazada")
    services.review_reject(review_id=rejected.pk, moderator=staff, reason="spam")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Pendiente" not in html and "Rechazada" not in html


def _count(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_product_page_queries_with_0_1_and_50_reviews(client, product, staff, customer, signed_in):
    """No reviews: the page of reviews is empty and costs no query; from one review on, the
    count is flat (one query for the page, two more for a signed-in shopper's own review and votes)."""
    if signed_in:
        client.force_login(customer)
    url = product.get_absolute_url()
    none = _count(client, url)
    _approved(UserFactory(), product, staff)
    one = _count(client, url)
    for _ in range(49):
        _approved(UserFactory(), product, staff)
    many = _count(client, url)
    # signed in: +1 for the delivery estimate to the customer's default address (shipping.estimates)
    assert none <= one == many <= (12 if signed_in else 9)


def test_listing_with_ratings_filter_and_sort(client, product, staff):
    other = ProductFactory(category=product.category)
    _approved(UserFactory(), product, staff, rating=5)
    _approved(UserFactory(), other, staff, rating=2)
    listing_cache.bump()
    url = product.category.get_absolute_url()
    html = client.get(url, {"rating": "4"}).content.decode()
    assert product.name in html and other.name not in html and "4 estrellas o más" in html
    page = client.get(url, {"sort": "rating"}).context["listing"].page
    assert [p.pk for p in page.object_list][:2] == [product.pk, other.pk]
    assert "stars-fill--10" in client.get(url).content.decode()


def test_listing_query_count_is_flat_with_ratings(client, product, staff):
    url = product.category.get_absolute_url()
    _approved(UserFactory(), product, staff)
    few = _count(client, url, {"rating": "4", "sort": "rating"})
    for _ in range(20):
        p = ProductFactory(category=product.category)
        _approved(UserFactory(), p, staff, rating=4)
    assert _count(client, url, {"rating": "4", "sort": "rating"}) == few


def test_line_page_shows_the_lines_reviews(client, product, line, staff):
    _approved(UserFactory(), product, staff, rating=4, title="Buena tarjeta")
    html = client.get(line.get_absolute_url()).content.decode()
    assert "Buena tarjeta" in html and "4.0" in html


def test_order_page_links_delivered_lines_to_the_review_form(client, customer, variant, product):
    order = delivered_order(customer, variant)
    client.force_login(customer)
    html = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    link = reverse("reviews:write_for_variant", args=[variant.pk])
    assert link in html
    assert client.get(link)["Location"] == reverse("reviews:create", args=[product.slug])


def test_status_values_are_what_templates_compare_with():
    assert ReviewStatus.APPROVED == "approved" and ReviewStatus.PENDING == "pending"


def test_a_page_of_reviews_is_read_by_a_query_compiled_once_and_none_read_when_there_are_none(
    product, staff, monkeypatch
):
    """Building and compiling the page's query was most of a product page's reviews section: each sort's
    page is compiled once per process, and a product nobody reviewed costs no query at all."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Product
    from reviews.selectors import product_reviews

    anonymous = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        section = product_reviews(product=product, user=anonymous)
    assert list(section.page.object_list) == [] and len(queries) == 0
    reviews = [_approved(UserFactory(), product, staff, title=f"Opinión {i}") for i in range(7)]
    services.review_vote_helpful(user=UserFactory(), review_id=reviews[3].pk)
    product = Product.objects.get(pk=product.pk)
    product_reviews(product=product, user=anonymous, sort="newest", page=2)  # this process' first: compiled
    compiled = []
    original = SQLCompiler.get_select
    monkeypatch.setattr(SQLCompiler, "get_select", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    newest = product_reviews(product=product, user=anonymous, sort="newest", page=2)
    assert compiled == []
    assert [review.title for review in newest.page.object_list] == ["Opinión 1", "Opinión 0"]
    assert newest.page.paginator.num_pages == 2 and newest.page.has_previous()
    helpful = product_reviews(product=product, user=anonymous, sort="helpful")
    assert [review.title for review in helpful.page.object_list][:2] == ["Opinión 3", "Opinión 6"]
    assert len(helpful.page.object_list) == 5
