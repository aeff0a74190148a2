"""The demo's ARCO requests: an access request answered (and e-mailed once), a rectification still
open with its term, made through privacy.services; a second run changes nothing."""

import pytest

from demo.privacy import load_demo_privacy
from privacy.models import ArcoKind, ArcoRequest, ArcoStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_customer_has_one_answered_and_one_open_arco_request_and_loads_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    customer = UserFactory(email="cliente@kallpa.pe")
    UserFactory(email="admin@kallpa.pe", is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        load_demo_privacy(customer_email=customer.email)
        load_demo_privacy(customer_email=customer.email)

    requests = {arco.kind: arco for arco in ArcoRequest.objects.filter(customer=customer)}
    assert set(requests) == {ArcoKind.ACCESS, ArcoKind.RECTIFICATION}
    assert (
        requests[ArcoKind.ACCESS].status == ArcoStatus.ANSWERED and requests[ArcoKind.ACCESS].answered_by.is_superuser
    )
    assert requests[ArcoKind.RECTIFICATION].status == ArcoStatus.OPEN and requests[ArcoKind.RECTIFICATION].due_on
    assert [message.to for message in mailoutbox] == [[customer.email]]  # the answer, once


def test_without_the_customer_nothing_is_made():
    load_demo_privacy(customer_email="nadie@kallpa.pe")
    assert not ArcoRequest.objects.exists()
