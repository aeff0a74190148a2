"""Closing an account (ARCO cancellation, Ley 29733): personal data erased or anonymised in one
service with its audit entry; orders, receipts' data and complaint sheets kept; every session
ended; the e-mail free to sign up again."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import Address, User
from alerts.models import CartReminder, StockAlert
from complaints.models import ComplaintSheet
from complaints.services import complaint_file
from favourites.models import Favourite, FavouriteShare
from favourites.services import favourite_set, favourite_share_enable
from legal.models import Consent, ConsentSource
from legal.services import consent_record
from orders.models import Order, OrderStatus
from privacy.models import AccountClosure
from privacy.services import PrivacyError, account_close
from reviews.models import Review
from tests.factories import (
    PASSWORD,
    AddressFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
    VariantFactory,
    make_order,
    sheet_data,
    signup_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_with_history(policies):
    customer = UserFactory(email="lucia@example.pe", dni="43451826")
    EmailAddress.objects.create(user=customer, email=customer.email, verified=True, primary=True)
    AddressFactory(user=customer)
    order = make_order(customer=customer, customer_document_type="dni", customer_document="43451826")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)  # the sale is over
    product = ProductFactory()
    favourite_set(user=customer, product=product, saved=True)
    favourite_share_enable(user=customer)
    Review.objects.create(product=product, user=customer, rating=4, title="Buena", body="Me gustó.")
    StockAlert.objects.create(variant=VariantFactory(), email=customer.email, user=customer)
    StockAlert.objects.create(variant=VariantFactory(), email="LUCIA@example.pe")  # as a guest, same person
    CartReminder.objects.create(cart_key=f"user-{customer.pk}", user=customer, email=customer.email)
    consent_record(email=customer.email, user=customer, source=ConsentSource.SIGNUP, marketing=True, ip="190.1.2.3")
    consent_record(email=customer.email, source=ConsentSource.CHECKOUT, ip="190.1.2.4")  # as a guest
    complaint_file(data=sheet_data(email=customer.email), customer=customer, order=order)
    return customer, order


@pytest.fixture
def policies(db):
    from legal.models import PolicyKind
    from tests.factories import publish

    return {PolicyKind.TERMS: publish(PolicyKind.TERMS), PolicyKind.PRIVACY: publish(PolicyKind.PRIVACY)}


def test_closing_erases_personal_data_keeps_what_the_law_keeps_and_records_it(customer_with_history):
    customer, order = customer_with_history
    old_sheet = ComplaintSheet.objects.get()
    consents_before = Consent.objects.count()

    closure = account_close(user=customer, actor=customer)

    user = User.objects.get(pk=customer.pk)
    assert user.email == f"cuenta-cerrada-{user.pk}@anonimo.invalid"
    assert (user.first_name, user.last_name, user.phone, user.dni) == ("", "", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert {h.email for h in user.history.all()} == {user.email}  # earlier versions (old e-mail, DNI) gone
    assert not Address.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Favourite.objects.exists() and not FavouriteShare.objects.exists()
    assert not StockAlert.objects.exists() and not CartReminder.objects.exists()
    consents = Consent.objects.all()
    assert consents.count() == consents_before == 5  # what was agreed and when stays
    assert {(c.email, c.ip_address) for c in consents} == {(user.email, None)}

    # Kept: the order with the buyer's document the receipt carries, the sheet as filed, the review.
    kept = Order.objects.get(pk=order.pk)
    assert (kept.customer_id, kept.customer_document, kept.total) == (user.pk, "43451826", order.total)
    sheet = ComplaintSheet.objects.get()
    assert (sheet.consumer_name, sheet.document_number, sheet.email) == (
        old_sheet.consumer_name,
        old_sheet.document_number,
        old_sheet.email,
    )
    review = Review.objects.get()
    assert review.author_name == "Cliente" and review.rating == 4

    entry = AccountClosure.objects.get()
    assert entry == closure and entry.account_id == user.pk and entry.closed_by_id == user.pk and entry.by_customer
    assert entry.erased["addresses"] == 1 and entry.erased["favourites"] == 2 and entry.erased["alerts"] == 3
    assert entry.kept == {"orders": 1, "complaint_sheets": 1, "reviews": 1}
    assert "lucia" not in str(entry.erased) + str(entry.kept) + str(entry)


def test_an_account_closes_once_and_staff_or_sellers_are_not_closed_from_the_shop(customer_with_history):
    customer, _order = customer_with_history
    account_close(user=customer, actor=customer)
    with pytest.raises(PrivacyError):
        account_close(user=User.objects.get(pk=customer.pk), actor=None)
    assert AccountClosure.objects.count() == 1

    staff = UserFactory(is_staff=True)
    with pytest.raises(PrivacyError):
        account_close(user=staff, actor=staff)
    seller = SellerFactory(is_approved=True).user
    with pytest.raises(PrivacyError):
        account_close(user=seller, actor=seller)
    assert User.objects.get(pk=staff.pk).is_active and AccountClosure.objects.count() == 1


def test_an_order_in_progress_keeps_the_account_open_until_it_is_over(customer_with_history):
    customer, _order = customer_with_history
    running = make_order(customer=customer)
    with pytest.raises(PrivacyError, match=running.number):
        account_close(user=customer, actor=customer)
    assert User.objects.get(pk=customer.pk).is_active and not AccountClosure.objects.exists()
    Order.objects.filter(pk=running.pk).update(status=OrderStatus.CANCELLED)
    account_close(user=customer, actor=customer)
    assert not User.objects.get(pk=customer.pk).is_active


def _close_page(client):
    return reverse("storefront:privacy_close")


def test_the_customer_closes_their_account_with_their_password_and_every_session_ends(
    client, customer_with_history, django_capture_on_commit_callbacks
):
    from django.test import Client

    customer, _order = customer_with_history
    other_device = Client()
    other_device.force_login(customer)
    client.force_login(customer)

    wrong = client.post(_close_page(client), {"password": "no-es", "confirm": "on"})
    assert wrong.status_code == 400 and "password" in wrong.context["close_form"].errors
    unconfirmed = client.post(_close_page(client), {"password": PASSWORD})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["close_form"].errors
    assert User.objects.get(pk=customer.pk).is_active

    page = client.get(reverse("storefront:privacy")).content.decode()
    assert "Cerrar mi cuenta" in page and "la ley tributaria" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_close_page(client), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in client.session
    # The other device's session is over too: deleted from the store, and it is nobody on its next
    # page, which asks to sign in.
    assert not Session.objects.filter(session_key=other_device.session.session_key).exists()
    elsewhere = other_device.get(reverse("storefront:privacy"))
    assert elsewhere.status_code == 302 and not elsewhere.wsgi_request.user.is_authenticated
    assert SESSION_KEY not in other_device.session

    # A replay of the closing form from the old page: signed out, nothing more happens.
    again = client.post(_close_page(client), {"password": PASSWORD, "confirm": "on"})
    assert again.status_code == 302 and "next=" in again["Location"]
    assert AccountClosure.objects.count() == 1


def test_the_email_is_free_to_sign_up_again(client, customer_with_history, django_capture_on_commit_callbacks):
    customer, order = customer_with_history
    account_close(user=customer, actor=customer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data(email="lucia@example.pe", accept_terms="on"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    fresh = User.objects.get(email="lucia@example.pe")
    assert fresh.pk != customer.pk
    assert not Order.objects.filter(customer=fresh).exists()  # the closed account's orders stay apart
    assert Order.objects.get(pk=order.pk).customer_id == customer.pk


def test_only_a_signed_in_customer_may_close_and_only_by_post(client, customer_with_history):
    assert client.post(_close_page(client), {"password": PASSWORD, "confirm": "on"}).status_code == 302
    customer, _order = customer_with_history
    client.force_login(customer)
    assert client.get(_close_page(client)).status_code == 405
    assert User.objects.get(pk=customer.pk).is_active


def test_password_guesses_on_the_closing_form_are_limited_per_account(client, customer_with_history, settings):
    settings.ACCOUNT_CLOSE_RATE_LIMIT = "100/15m/ip,3/15m/key"
    customer, _order = customer_with_history
    client.force_login(customer)

    guesses = [client.post(_close_page(client), {"password": f"intento-{n}", "confirm": "on"}) for n in range(3)]
    assert [guess.status_code for guess in guesses] == [400, 400, 400]
    refused = client.post(_close_page(client), {"password": PASSWORD, "confirm": "on"})

    assert refused.status_code == 429  # even the right password waits out the limit
    assert User.objects.get(pk=customer.pk).is_active and not AccountClosure.objects.exists()


def test_store_credit_left_keeps_the_account_open_until_it_is_spent_or_paid_back(customer_with_history):
    from credit.services import store_credit_issue

    customer, _order = customer_with_history
    store_credit_issue(customer=customer, amount="35.50")

    with pytest.raises(PrivacyError, match="35.50 de saldo a favor"):
        account_close(user=customer, actor=customer)
    assert User.objects.get(pk=customer.pk).is_active and not AccountClosure.objects.exists()
