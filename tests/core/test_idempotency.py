"""One-time keys (core.idempotency): the same key gives back the first result, only to its owner
and only for what it was about; everyone else gets the caller's refusal."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.idempotency import Owner, first_result
from orders.models import Order
from orders.services import OrderLineData, order_create
from tests.factories import UserFactory, VariantFactory

ADDRESS = {
    "recipient": "Rosa Quispe",
    "street": "Av. Larco 345",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
}


class Refused(Exception):
    pass


def row(customer_id=None, email="rosa@example.pe", number="PED-1"):
    return SimpleNamespace(customer_id=customer_id, email=email, number=number)


class TestTheOwnershipRule:
    def test_a_signed_in_customer_owns_only_their_own_rows(self):
        owner = Owner(customer_id=7, email="rosa@example.pe")
        assert owner.owns(row(customer_id=7))
        assert not owner.owns(row(customer_id=8))
        assert not owner.owns(row(customer_id=None))  # a guest's, even with the same e-mail

    def test_a_guest_never_owns_a_customers_row(self):
        assert not Owner(customer_id=None, email="rosa@example.pe").owns(row(customer_id=7))

    def test_the_e_mail_must_be_the_rows_when_the_submission_names_one(self):
        assert Owner(customer_id=None, email="rosa@example.pe").owns(row(email="Rosa@Example.pe"))
        assert not Owner(customer_id=None, email="ana@example.pe").owns(row())
        assert not Owner(customer_id=7, email="ana@example.pe").owns(row(customer_id=7))
        assert Owner(customer_id=None, email="").owns(row())  # forgotten once the order is placed

    def test_a_guest_must_have_been_handed_the_key_or_the_result(self):
        assert not Owner(customer_id=None, email="rosa@example.pe", handed=False).owns(row())
        remembered = Owner(customer_id=None, handed=lambda first: first.number in {"PED-1"})
        assert remembered.owns(row(number="PED-1"))
        assert not remembered.owns(row(number="PED-2"))

    def test_a_customer_is_known_by_the_account_not_by_a_handed_key(self):
        assert Owner(customer_id=7, handed=False).owns(row(customer_id=7))

    def test_owner_of_reads_the_request_user(self):
        customer = SimpleNamespace(pk=7, is_authenticated=True)
        anonymous = SimpleNamespace(pk=None, is_authenticated=False)
        assert Owner.of(customer, email=" Rosa@Example.pe ") == Owner(customer_id=7, email="rosa@example.pe")
        assert Owner.of(anonymous).customer_id is None and Owner.of(None).customer_id is None


@pytest.mark.django_db
class TestFirstResult:
    @pytest.fixture
    def order(self):
        variant = VariantFactory()
        return order_create(
            customer=UserFactory(email="rosa@example.pe"),
            email="rosa@example.pe",
            lines=[OrderLineData.from_variant(variant, quantity=1)],
            shipping_address=ADDRESS,
            billing_address=ADDRESS,
            shipping_method_id=None,
            shipping_method_name="",
            shipping_total=Decimal("0"),
            idempotency_key="k-1",
        )

    def test_a_new_or_empty_key_has_no_first_result(self, order):
        assert first_result(Order.objects, key="k-2", refusal=Refused()) is None
        assert first_result(Order.objects, key="", refusal=Refused(), about={"pk": -1}) is None
        assert first_result(Order.objects, key=None, refusal=Refused()) is None

    def test_the_owner_gets_the_first_result_back_marked_replayed(self, order):
        again = first_result(
            Order.objects,
            key="k-1",
            refusal=Refused(),
            owner=Owner(customer_id=order.customer_id, email="rosa@example.pe"),
        )
        assert again.pk == order.pk and again.replayed is True

    def test_anyone_else_gets_the_refusal(self, order):
        with pytest.raises(Refused):
            first_result(Order.objects, key="k-1", refusal=Refused(), owner=Owner(customer_id=None, email=order.email))
        with pytest.raises(Refused):
            first_result(Order.objects, key="k-1", refusal=Refused(), owner=Owner(customer_id=order.customer_id + 1))

    def test_a_result_about_something_else_is_refused(self, order):
        assert first_result(Order.objects, key="k-1", refusal=Refused(), about={"pk": order.pk}).pk == order.pk
        with pytest.raises(Refused):
            first_result(Order.objects, key="k-1", refusal=Refused(), about={"pk": order.pk + 1})
