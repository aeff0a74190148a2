"""What a payment being completed locks: its own attempt and its order, not the payment method
every shopper paying the same way shares. Completing a payment takes the order's stock, creates its
shipments and queues its e-mails in one transaction; had it kept the method's row locked, every
other shopper starting a payment that way (a new payment's reference to its method waits on that
row) would have waited for it, one after another on a sale day."""

import pytest
from django.db import connection, transaction

from payments.models import Payment
from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
from tests.factories import ON_POSTGRESQL, make_guest_order
from tests.threads import transaction_held_open

pytestmark = [ON_POSTGRESQL, pytest.mark.django_db(transaction=True)]


def test_a_payment_being_completed_holds_up_no_other_shopper_paying_the_same_way():
    method = payment_method_ensure_test_gateway()
    first = payment_start(order=make_guest_order(), method=method)
    second_order = make_guest_order()
    # The first shopper's payment completed, its transaction still open while the second pays.
    with transaction_held_open(lambda: payment_test_gateway_pay(payment=first)) as errors:
        with transaction.atomic():
            with connection.cursor() as cursor:  # waiting on the first shopper's locks fails fast
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            second = payment_test_gateway_pay(payment=payment_start(order=second_order, method=method))
    assert errors == []
    assert second.status == Payment.Status.SUCCEEDED
    assert Payment.objects.get(pk=first.pk).status == Payment.Status.SUCCEEDED
