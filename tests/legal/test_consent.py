"""Consent (Ley 29733): at sign-up and at guest checkout the terms and the privacy policy are
accepted (required) and marketing is offered unticked; each acceptance is recorded with the
version, the time and the IP. A customer sees their consents, withdraws marketing and downloads
what the store holds about them."""

import json

import pytest
from django.urls import reverse

from complaints.services import complaint_file
from legal.models import Consent, ConsentKind, ConsentSource
from legal.selectors import marketing_opted_in
from legal.services import consent_record
from tests.factories import (
    AddressFactory,
    UserFactory,
    details,
    fill_cart,
    make_order,
    publish,
    sheet_data,
    signup_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


def test_sign_up_asks_for_the_terms_and_records_the_consent(client, policies, django_capture_on_commit_callbacks):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="accept_terms"' in page and reverse("legal:privacy") in page
    assert 'name="accept_marketing"' in page and 'name="accept_marketing" checked' not in page

    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 200 and "accept_terms" in response.context["form"].errors
    assert not Consent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the account is made after the answer
        client.post(reverse("account_signup"), signup_data(accept_terms="on"), REMOTE_ADDR="190.12.34.56")
    consents = {c.kind: c for c in Consent.objects.all()}
    assert set(consents) == {ConsentKind.TERMS, ConsentKind.PRIVACY}  # marketing was not ticked
    terms = consents[ConsentKind.TERMS]
    assert terms.user.email == "nueva@example.pe" and terms.policy_version == policies["terms"]
    assert (terms.source, terms.ip_address) == (ConsentSource.SIGNUP, "190.12.34.56")


def test_sign_up_with_marketing(client, policies, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(accept_terms="on", accept_marketing="on"))
    user = Consent.objects.first().user
    assert marketing_opted_in(user=user)


def test_a_guest_accepts_at_checkout(client, shop, policies):
    fill_cart(client, ("HOOD-M", 1))
    response = details(client, email="invitada@example.pe")
    assert response.status_code == 200 and "accept_terms" in response.context["contact"].errors

    assert details(client, email="invitada@example.pe", accept_terms="on", accept_marketing="on").status_code == 302
    assert details(client, email="invitada@example.pe", accept_terms="on").status_code == 302  # back and again
    rows = Consent.objects.filter(email="invitada@example.pe", user__isnull=True)
    assert sorted(rows.values_list("kind", flat=True)) == ["marketing", "privacy", "terms"]
    assert set(rows.values_list("source", flat=True)) == {"checkout"}


def test_a_customer_who_accepted_is_not_asked_again(client, shop, policies):
    customer = UserFactory()
    consent_record(email=customer.email, user=customer, source=ConsentSource.SIGNUP)
    client.force_login(customer)
    fill_cart(client, ("HOOD-M", 1))
    assert "accept_terms" not in client.get(reverse("checkout:details")).context["contact"].fields
    publish(body="Nuevos términos.")  # a new version: asked again
    assert "accept_terms" in client.get(reverse("checkout:details")).context["contact"].fields


def test_the_privacy_page_withdraws_marketing(client, policies):
    customer = UserFactory()
    consent_record(email=customer.email, user=customer, source=ConsentSource.SIGNUP, marketing=True)
    client.force_login(customer)

    page = client.get(reverse("storefront:privacy")).content.decode()
    assert "Términos y condiciones" in page and "versión 1" in page
    response = client.post(reverse("storefront:privacy_marketing"), {})
    assert response.status_code == 302 and not marketing_opted_in(user=customer)
    withdrawn = Consent.objects.filter(kind=ConsentKind.MARKETING).first()
    assert (withdrawn.granted, withdrawn.source) == (False, ConsentSource.ACCOUNT)
    assert Consent.objects.filter(kind=ConsentKind.MARKETING).count() == 2  # the earlier one is kept
    client.post(reverse("storefront:privacy_marketing"), {"marketing": "on"})
    assert marketing_opted_in(user=customer)


def test_the_privacy_pages_need_a_sign_in(client):
    for name in ("storefront:privacy", "storefront:privacy_export"):
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("storefront:privacy_marketing")).status_code in (302, 405)


def _customer_with_history(index: int):
    from reviews.models import Review
    from tests.factories import ProductFactory

    customer = UserFactory(email=f"cliente{index}@example.pe")
    AddressFactory(user=customer)
    order = make_order(customer=customer)
    Review.objects.create(product=ProductFactory(), user=customer, rating=5, title="Buena", body="Me gustó.")
    consent_record(email=customer.email, user=customer, source=ConsentSource.SIGNUP, marketing=True)
    complaint_file(data=sheet_data(email=customer.email), customer=customer, order=order)
    return customer, order


def test_the_data_export_holds_everything_in_flat_queries(client, policies, django_assert_num_queries):
    customer, order = _customer_with_history(1)
    other, _ = _customer_with_history(2)
    client.force_login(customer)
    client.get(reverse("storefront:privacy_export"))  # warm the session
    with django_assert_num_queries(7) as few:
        response = client.get(reverse("storefront:privacy_export"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="mis-datos-')
    assert data["profile"]["email"] == customer.email and len(data["addresses"]) == 1
    assert data["profile"]["dni_pending"] == ""  # a DNI waiting for the e-mail's confirmation is held too
    assert [o["number"] for o in data["orders"]] == [order.number] and data["orders"][0]["lines"]
    assert len(data["reviews"]) == 1 and len(data["complaint_sheets"]) == 1
    assert {c["kind"] for c in data["consents"]} == {"terms", "privacy", "marketing"}
    assert other.email not in response.content.decode()

    for _ in range(2):  # more rows of every kind: the same queries
        make_order(customer=customer)
        AddressFactory(user=customer)
        complaint_file(data=sheet_data(email=customer.email), customer=customer)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("storefront:privacy_export"))
