"""The shopper's receipt page and PDF: linked from the order page, only for the order's owner or
the guest browser that placed it; anything else is a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.access import remember_guest_order
from receipts.services import receipt_issue_for_order
from tests.factories import BUYER_RUC, UserFactory, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def _receipt(**fields):
    order = make_order(**fields)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def test_the_owner_sees_the_receipt_linked_from_the_order_and_downloads_its_pdf(client, user):
    receipt = _receipt(customer=user, email=user.email, document_type="ruc", document=BUYER_RUC)
    client.force_login(user)
    order_page = client.get(reverse("orders:detail", args=[receipt.order.number])).content.decode()
    page_url = reverse("receipts:detail", args=[receipt.order.number, receipt.pk])
    pdf_url = reverse("receipts:pdf", args=[receipt.order.number, receipt.pk])
    assert page_url in order_page and pdf_url in order_page
    page = client.get(page_url)
    html = page.content.decode()
    assert page.status_code == 200 and receipt.full_number in html and "20601234565" in html
    assert receipt.amount_in_words in html and "<svg" in html and BUYER_RUC in html
    assert "<script>" not in html and "style=" not in html
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and receipt.file_name in pdf["Content-Disposition"]


def test_another_customer_gets_404_for_page_and_pdf(client, user):
    receipt = _receipt(customer=user, email=user.email)
    client.force_login(UserFactory())
    for name in ("receipts:detail", "receipts:pdf"):
        assert client.get(reverse(name, args=[receipt.order.number, receipt.pk])).status_code == 404


def test_a_receipt_of_another_order_under_my_order_number_is_404(client, user):
    mine = _receipt(customer=user, email=user.email)
    theirs = _receipt(customer=UserFactory())
    client.force_login(user)
    assert client.get(reverse("receipts:detail", args=[mine.order.number, theirs.pk])).status_code == 404
    assert client.get(reverse("receipts:detail", args=[mine.order.number, 999999])).status_code == 404
    assert client.get(f"/comprobantes/{mine.order.number}/{'9' * 30}/").status_code == 404
    assert client.get(f"/comprobantes/{'X' * 500}/{mine.pk}/").status_code == 404
    assert client.post(reverse("receipts:detail", args=[mine.order.number, mine.pk])).status_code == 405


def test_a_guest_sees_the_receipt_only_from_the_browser_that_has_the_order(client):
    receipt = _receipt()
    url = reverse("receipts:detail", args=[receipt.order.number, receipt.pk])
    assert client.get(url).status_code == 404
    session = client.session
    request = type("Request", (), {"session": session})()
    remember_guest_order(request, receipt.order.number)
    session.save()
    assert client.get(url).status_code == 200
    assert client.get(reverse("receipts:pdf", args=[receipt.order.number, receipt.pk])).status_code == 200


def test_the_receipt_page_reads_the_same_number_of_queries_for_one_or_many_lines(client, user):
    one = _receipt(customer=user, email=user.email, prices=("10.00",))
    many = _receipt(customer=user, email=user.email, prices=("10.00", "20.00", "30.00", "40.00", "50.00"))
    client.force_login(user)
    client.get(reverse("receipts:detail", args=[one.order.number, one.pk]))  # warm the session and site caches
    counts = []
    for receipt in (one, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("receipts:detail", args=[receipt.order.number, receipt.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_order_page_lists_receipts_in_the_same_number_of_queries_for_one_or_many(client, user):
    from receipts.services import credit_note_issue

    one = _receipt(customer=user, email=user.email)
    many = _receipt(customer=user, email=user.email)
    for _ in range(3):
        credit_note_issue(receipt=many, amount="1.00", reason_code="07")
    client.force_login(user)
    client.get(reverse("orders:detail", args=[one.order.number]))  # warm the session and site caches
    counts = []
    for receipt in (one, many):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("orders:detail", args=[receipt.order.number])).content.decode()
        assert receipt.full_number in html
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert html.count("/pdf/") == 4


def test_the_admin_lists_receipts_in_the_same_number_of_queries_for_one_or_many(client):
    from receipts.models import Receipt

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:receipts_receipt_changelist")
    counts = []
    for more in (1, 3):
        for _ in range(more):
            _receipt()
        client.get(url)  # warm the caches the new catalog rows of _receipt() invalidated
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert Receipt.objects.count() == 4 and counts[0] == counts[1]
