from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from catalog.models import Product
from orders import services as order_services
from reviews import services, tasks
from reviews.models import Review, ReviewInvitation, ReviewStatus, SellerReputation
from tests.factories import (
    ProductFactory,
    SellerFactory,
    UserFactory,
    VariantFactory,
    line_for,
    make_order,
    write,
)
from tests.factories import (
    delivered_order_of as delivered_order,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/reviews/review/"


class TestAdmin:
    def test_queue_lists_pending_first(self, client, staff, product):
        approved = services.review_approve(review_id=write(UserFactory(), product).pk, moderator=staff)
        pending = write(UserFactory(), product)
        client.force_login(staff)
        rows = list(client.get(CHANGELIST).context["cl"].result_list)
        assert rows[0] == pending and approved in rows

    def test_bulk_approve(self, client, staff, product):
        reviews = [write(UserFactory(), product) for _ in range(3)]
        client.force_login(staff)
        client.post(CHANGELIST, {"action": "approve", "_selected_action": [r.pk for r in reviews]})
        product.refresh_from_db()
        assert product.rating_count == 3

    def test_bulk_reject_asks_for_a_reason(self, client, staff, product):
        reviews = [write(UserFactory(), product) for _ in range(2)]
        client.force_login(staff)
        ids = [r.pk for r in reviews]
        ask = client.post(CHANGELIST, {"action": "reject", "_selected_action": ids})
        assert ask.status_code == 200 and "reason" in ask.content.decode()
        empty = client.post(CHANGELIST, {"action": "reject", "_selected_action": ids, "apply": "1", "reason": ""})
        assert empty.status_code == 200
        assert Review.objects.filter(status=ReviewStatus.REJECTED).count() == 0
        client.post(CHANGELIST, {"action": "reject", "_selected_action": ids, "apply": "1", "reason": "Publicidad"})
        assert set(Review.objects.values_list("status", "rejection_reason")) == {("rejected", "Publicidad")}

    def test_filters(self, client, staff, product):
        write(UserFactory(), product, rating=1)
        client.force_login(staff)
        for query in (
            "rating__exact=1",
            "is_verified_purchase__exact=0",
            f"product__id__exact={product.pk}",
            "status__exact=pending",
        ):
            response = client.get(f"{CHANGELIST}?{query}")
            assert response.status_code == 200 and len(response.context["cl"].result_list) == 1

    def test_sellers_read_only_their_products_reviews(self, client, product):
        seller = SellerFactory(is_approved=True)
        account_services.user_add_role(user=seller.user, role=Role.SELLER)
        seller.user.is_staff = True
        seller.user.save()
        own = ProductFactory(seller=seller)
        mine = write(UserFactory(), own)
        write(UserFactory(), product)
        client.force_login(seller.user)
        response = client.get(CHANGELIST)
        assert list(response.context["cl"].result_list) == [mine]
        assert 'value="approve"' not in response.content.decode()
        client.post(CHANGELIST, {"action": "approve", "_selected_action": [mine.pk]})
        mine.refresh_from_db()
        assert mine.status == ReviewStatus.PENDING


class TestRecount:
    def test_reports_and_rebuilds_drift(self, product, staff, capsys):
        services.review_approve(review_id=write(UserFactory(), product, rating=4).pk, moderator=staff)
        Product.objects.filter(pk=product.pk).update(rating_count=2, rating_average="4.60")
        call_command("reviews_recount", "--dry-run", "--format", "json")
        assert '"actual_count": 1' in capsys.readouterr().out
        product.refresh_from_db()
        assert product.rating_count == 2
        call_command("reviews_recount", "--format", "csv")
        product.refresh_from_db()
        assert (product.rating_count, str(product.rating_average)) == (1, "4.00")
        call_command("reviews_recount")
        assert "0 agregados con diferencias" in capsys.readouterr().out


class TestInvitations:
    def test_sent_once_some_days_after_delivery(self, customer, variant, settings):
        order = delivered_order(customer, variant)
        assert tasks.send_review_invitations() == 0  # just delivered: too early
        later = timezone.now() + timedelta(days=6)
        assert services.review_invitations_send_due(after_days=5, now=later) == 1
        assert services.review_invitations_send_due(after_days=5, now=later) == 0
        assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
        assert reverse("reviews:write_for_variant", args=[variant.pk]) in mail.outbox[0].body
        assert ReviewInvitation.objects.get(order=order).sent_at

    def test_a_failed_email_releases_the_claim(self, customer, variant, monkeypatch):
        delivered_order(customer, variant)
        monkeypatch.setattr("reviews.emails.EmailMultiAlternatives.send", lambda self: (_ for _ in ()).throw(OSError()))
        later = timezone.now() + timedelta(days=6)
        assert services.review_invitations_send_due(after_days=5, now=later) == 0
        assert not ReviewInvitation.objects.exists()


class TestReputation:
    def test_rating_and_cancellations_with_the_period(self, staff):
        seller = SellerFactory(is_approved=True)
        product = ProductFactory(seller=seller)
        variant = VariantFactory(product=product)
        services.review_approve(review_id=write(UserFactory(), product, rating=4).pk, moderator=staff)
        kept = make_order(customer=UserFactory(), lines=[line_for(variant)])
        order_services.order_payment_record(order=kept)
        cancelled = make_order(customer=UserFactory(), lines=[line_for(variant)])
        order_services.order_payment_record(order=cancelled)
        order_services.order_cancel(order=cancelled, actor=seller.user, reason="Sin stock", by_customer=False)
        changed_mind = make_order(customer=UserFactory(), lines=[line_for(variant)])
        order_services.order_payment_record(order=changed_mind)
        order_services.order_cancel(
            order=changed_mind, actor=changed_mind.customer, reason="Ya no lo quiero", by_customer=True
        )
        make_order(customer=UserFactory(), lines=[line_for(variant)])  # never paid: not counted

        reputation = services.seller_reputation_compute(seller=seller)
        assert (reputation.rating_count, str(reputation.rating_average)) == (1, "4.00")
        assert (reputation.orders_total, reputation.orders_cancelled_by_seller, reputation.cancelled_percent) == (
            3,
            1,
            33,
        )
        assert reputation.period_end == timezone.localdate()
        assert (reputation.period_end - reputation.period_start).days == 89
        # No leg was due to ship yet in the period: shown as "no data yet".
        assert reputation.on_time_percent is None
        assert tasks.compute_seller_reputations() == 1
        assert SellerReputation.objects.count() == 1

    def test_on_time_share_comes_from_shipping_when_it_has_it(self, monkeypatch):
        from shipping import selectors as shipping_selectors

        monkeypatch.setattr(shipping_selectors, "legs_shipped_on_time", lambda **kw: (9, 10))
        reputation = services.seller_reputation_compute(seller=SellerFactory(is_approved=True))
        assert reputation.on_time_percent == 90

    def test_seller_page(self, client, staff):
        seller = SellerFactory(is_approved=True, store_name="Andes Tech")
        ProductFactory(seller=seller, name="Audífonos Andes")
        html = client.get(reverse("reviews:seller", args=[seller.slug])).content.decode()
        assert "Andes Tech" in html and "Audífonos Andes" in html
        services.seller_reputation_compute(seller=seller)
        html = client.get(reverse("reviews:seller", args=[seller.slug])).content.decode()
        assert "sin datos aún" in html
        assert client.get(reverse("reviews:seller", args=["no-existe"])).status_code == 404
        unapproved = SellerFactory(is_approved=False, ruc="20131312955")
        assert client.get(reverse("reviews:seller", args=[unapproved.slug])).status_code == 404


def test_demo_reviews_are_idempotent_and_true(db):
    from demo.reviews import ensure_demo_reviews
    from reviews.recount import ratings_drift

    for _ in range(3):
        VariantFactory(product=ProductFactory(units_sold=10))
    customer = UserFactory()
    delivered_order(customer, VariantFactory(product=ProductFactory()))
    ensure_demo_reviews()
    count = Review.objects.count()
    assert count > 0 and Review.objects.filter(is_verified_purchase=True, user=customer).count() == 1
    assert ratings_drift() == []
    ensure_demo_reviews()
    assert Review.objects.count() == count
