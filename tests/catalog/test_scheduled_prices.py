"""Scheduled prices: applied at their start by beat, never before and never twice,
the previous price back at their end, each change in the price history as its scheduler's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cart.pricing import price_cart
from cart.store import LineKey
from catalog.models import PriceHistory, ScheduledPrice
from catalog.services import scheduled_price_cancel, scheduled_price_save, scheduled_prices_run
from catalog.tasks import apply_scheduled_prices
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(email="precios@kallpa.pe", is_staff=True)


def schedule(actor, *, start, end=None, **fields) -> ScheduledPrice:
    return scheduled_price_save(scheduled=ScheduledPrice(starts_at=start, ends_at=end, **fields), actor=actor)


def price_of(variant) -> Decimal:
    variant.refresh_from_db()
    variant.product.refresh_from_db()
    return variant.price


class TestVariant:
    def test_applied_exactly_at_its_start_not_before_and_restored_at_its_end(self, manager):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("200.00")), price_modifier=Decimal("10.00"))
        start = timezone.now() + timedelta(hours=1)
        end = start + timedelta(days=2)
        scheduled = schedule(manager, start=start, end=end, variant=variant, kind="price", new_price=Decimal("150.00"))

        assert scheduled_prices_run(now=start - timedelta(seconds=1)) == (0, 0)
        assert price_of(variant) == Decimal("210.00")
        assert scheduled_prices_run(now=start) == (1, 0)
        assert price_of(variant) == Decimal("150.00")
        scheduled.refresh_from_db()
        assert scheduled.status == "running" and scheduled.applied_at == start

        assert scheduled_prices_run(now=end - timedelta(seconds=1)) == (0, 0)
        assert scheduled_prices_run(now=end) == (0, 1)
        assert price_of(variant) == Decimal("210.00")
        history = list(
            PriceHistory.objects.filter(variant=variant, source__startswith="scheduled")
            .order_by("pk")
            .values_list("previous_price", "price", "changed_by", "source")
        )
        assert history == [
            (Decimal("210.00"), Decimal("150.00"), manager.pk, "scheduled"),
            (Decimal("150.00"), Decimal("210.00"), manager.pk, "scheduled end"),
        ]

    def test_the_cart_charges_what_the_page_shows_once_it_applies(self, client, manager):
        variant = VariantFactory(sku="SILLA", product=ProductFactory(base_price=Decimal("300.00")))
        start = timezone.now() + timedelta(minutes=5)
        schedule(manager, start=start, variant=variant, kind="percent", percent=Decimal("-20"))
        scheduled_prices_run(now=start)
        page = client.get(variant.product.get_absolute_url())
        assert "240.00" in page.content.decode()
        assert price_cart({LineKey(variant.pk): 1}).lines[0].unit_price == Decimal("240.00")


class TestCategory:
    def test_a_percentage_moves_every_product_below_and_the_end_restores_list_prices_too(self, manager):
        parent = CategoryFactory()
        child = CategoryFactory(family=parent.family, parent=parent)
        cheap = ProductFactory(category=parent, base_price=Decimal("100.00"), compare_at_price=Decimal("105.00"))
        inner = ProductFactory(category=child, base_price=Decimal("50.00"))
        outside = ProductFactory(base_price=Decimal("80.00"))
        for product in (cheap, inner, outside):
            VariantFactory(product=product)
        start = timezone.now() + timedelta(days=1)
        end = start + timedelta(days=1)
        schedule(manager, start=start, end=end, category=parent, kind="percent", percent=Decimal("10"))

        scheduled_prices_run(now=start)
        for product in (cheap, inner, outside):
            product.refresh_from_db()
        assert (cheap.base_price, cheap.compare_at_price) == (Decimal("110.00"), None)  # a raise above the list price
        assert inner.base_price == Decimal("55.00") and outside.base_price == Decimal("80.00")
        assert PriceHistory.objects.filter(source="scheduled", changed_by=manager).count() == 2

        scheduled_prices_run(now=end)
        cheap.refresh_from_db()
        inner.refresh_from_db()
        assert (cheap.base_price, cheap.compare_at_price) == (Decimal("100.00"), Decimal("105.00"))
        assert inner.base_price == Decimal("50.00")


class TestOnce:
    def test_running_twice_applies_once(self, manager):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
        start = timezone.now() + timedelta(minutes=1)
        schedule(manager, start=start, variant=variant, kind="percent", percent=Decimal("-10"))
        assert scheduled_prices_run(now=start) == (1, 0)
        assert scheduled_prices_run(now=start + timedelta(minutes=1)) == (0, 0)
        assert price_of(variant) == Decimal("90.00")
        assert PriceHistory.objects.filter(variant=variant, source="scheduled").count() == 1

    def test_a_window_that_passed_while_nothing_ran_changes_no_price(self, manager):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
        start = timezone.now() + timedelta(minutes=1)
        scheduled = schedule(
            manager,
            start=start,
            end=start + timedelta(hours=1),
            variant=variant,
            kind="price",
            new_price=Decimal("70.00"),
        )
        assert scheduled_prices_run(now=start + timedelta(hours=2)) == (0, 0)
        scheduled.refresh_from_db()
        assert scheduled.status == "ended" and price_of(variant) == Decimal("100.00")

    def test_the_beat_task_runs_the_service(self, manager):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
        scheduled = schedule(
            manager,
            start=timezone.now() + timedelta(seconds=1),
            variant=variant,
            kind="price",
            new_price=Decimal("99.00"),
        )
        ScheduledPrice.objects.filter(pk=scheduled.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
        assert apply_scheduled_prices.apply().get() == (1, 0)
        assert price_of(variant) == Decimal("99.00")


class TestBadInput:
    @pytest.mark.parametrize(
        "fields,field",
        [
            ({"kind": "percent"}, "percent"),
            ({"kind": "price"}, "new_price"),
            ({"kind": "percent", "percent": Decimal("0")}, "percent"),
            ({"kind": "price", "new_price": Decimal("-5")}, "new_price"),
            ({"kind": "percent", "percent": Decimal("-95")}, "percent"),
        ],
    )
    def test_incomplete_changes_are_refused(self, manager, fields, field):
        variant = VariantFactory()
        with pytest.raises(ValidationError) as refusal:
            schedule(manager, start=timezone.now() + timedelta(hours=1), variant=variant, **fields)
        assert field in refusal.value.message_dict
        assert not ScheduledPrice.objects.exists()

    def test_past_starts_both_or_no_targets_and_overlaps_are_refused(self, manager):
        variant, category = VariantFactory(), CategoryFactory()
        soon = timezone.now() + timedelta(hours=1)
        price = {"kind": "price", "new_price": Decimal("10.00")}
        for bad in (
            {"variant": variant, "start": timezone.now() - timedelta(minutes=1)},
            {"variant": variant, "category": category, "start": soon},
            {"start": soon},
            {"variant": variant, "start": soon, "end": soon - timedelta(minutes=1)},
        ):
            with pytest.raises(ValidationError):
                schedule(manager, **price, **bad)
        schedule(manager, variant=variant, start=soon, end=soon + timedelta(days=1), **price)
        with pytest.raises(ValidationError) as overlap:
            schedule(manager, variant=variant, start=soon + timedelta(hours=2), **price)
        assert "__all__" in overlap.value.message_dict
        child = CategoryFactory(family=category.family, parent=category)
        schedule(manager, category=category, start=soon, **price)
        with pytest.raises(ValidationError) as overlap:
            schedule(manager, category=child, start=soon + timedelta(days=3), **price)
        assert "__all__" in overlap.value.message_dict

    def test_a_started_change_cannot_be_edited_or_cancelled(self, manager):
        variant = VariantFactory()
        start = timezone.now() + timedelta(minutes=1)
        scheduled = schedule(manager, variant=variant, start=start, kind="price", new_price=Decimal("10.00"))
        scheduled_prices_run(now=start)
        scheduled.refresh_from_db()
        scheduled.new_price = Decimal("5.00")
        with pytest.raises(ValidationError):
            scheduled_price_save(scheduled=scheduled, actor=manager)
        assert scheduled_price_cancel(scheduled_id=scheduled.pk) == 0
        assert price_of(variant) == Decimal("10.00")


class TestAdmin:
    def test_staff_schedule_a_change_in_the_admin_and_it_is_theirs(self, client):
        admin_user = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(admin_user)
        variant = VariantFactory()
        start = timezone.localtime() + timedelta(days=1)
        response = client.post(
            reverse("admin:catalog_scheduledprice_add"),
            {
                "variant": variant.pk,
                "kind": "percent",
                "percent": "-15",
                "new_price": "",
                "starts_at_0": start.strftime("%d/%m/%Y"),
                "starts_at_1": start.strftime("%H:%M:%S"),
                "ends_at_0": "",
                "ends_at_1": "",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        scheduled = ScheduledPrice.objects.get()
        assert scheduled.created_by == admin_user and scheduled.status == "scheduled"
        assert client.get(reverse("admin:catalog_scheduledprice_changelist")).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL")
def test_two_workers_at_once_apply_it_once():
    manager = UserFactory()
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")))
    start = timezone.now() + timedelta(minutes=1)
    schedule(manager, start=start, variant=variant, kind="percent", percent=Decimal("-50"))

    results, errors = run_in_threads(lambda index: scheduled_prices_run(now=start), 6)
    assert not errors
    assert sum(applied for applied, _ in results) == 1
    assert price_of(variant) == Decimal("50.00")
    assert PriceHistory.objects.filter(variant=variant, source="scheduled").count() == 1
