"""A returning customer picks a saved address at checkout instead of typing it again: the
address book comes first (default preselected), "Usar una dirección nueva" shows the usual form
and may keep it in the book. The order keeps a copy; shipping follows the chosen address's
ubigeo exactly as for a typed one; another customer's, a deleted or a made-up address id is a
form error with nothing written."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Address
from accounts.services import address_delete, address_update
from checkout import services as checkout_services
from checkout.services import CheckoutError
from checkout.state import SESSION_KEY
from legal.models import Consent
from orders.models import Order
from tests.factories import (
    LIMA,
    PASSWORD,
    AddressFactory,
    UserFactory,
    delivery,
    details,
    fill_cart,
    place,
    review_key,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]

# The customer's saved office, typed again (Cayma, Arequipa).
AREQUIPA = {
    "recipient": "Ana Torres Vega",
    "phone": "954 321 987",
    "street": "Calle Misti 456",
    "reference": "",
    "department": "04",
    "province": "0401",
    "district": "040103",
    "postal_code": "04017",
}
UNKNOWN = "Esa dirección no está en tu libreta de direcciones"


@pytest.fixture
def book_owner(client):
    """A signed-in customer whose book has a Lima address (the default) and an Arequipa one."""
    user = UserFactory(email="ana@example.pe")
    home = AddressFactory(
        user=user,
        label="Casa",
        is_default_shipping=True,
        street="Av. Larco 101",
        reference="frente al parque",
        phone="987 654 321",
    )
    office = AddressFactory(
        user=user,
        label="Oficina",
        recipient="Ana Torres Vega",
        department="04",
        province="Arequipa",
        district="Cayma",
        street="Calle Misti 456",
        phone="954 321 987",
        postal_code="04017",
    )
    client.login(username=user.email, password=PASSWORD)
    fill_cart(client, ("CAP-U", 1))
    return {"user": user, "home": home, "office": office}


def choose(client, address, **extra):
    return client.post(reverse("checkout:details"), {"address": address, "billing_same": "1", **extra})


def choose_new(client, address=LIMA, **extra):
    return choose(client, "new", **{f"shipping-{name}": value for name, value in address.items()}, **extra)


def place_order(client, method="serpost") -> Order:
    assert delivery(client, method).status_code == 302
    assert place(client, review_key(client)).status_code == 302
    return Order.objects.latest("pk")


def options_of(response) -> list[tuple[int, str]]:
    return [(option.method_id, str(option.price)) for option in response.context["options"]]


class TestThePage:
    def test_saved_addresses_come_first_with_the_default_chosen(self, client, shop, book_owner):
        html = client.get(reverse("checkout:details")).content.decode()

        home, office = book_owner["home"], book_owner["office"]
        assert html.index("Av. Larco 101") < html.index("Calle Misti 456") < html.index("Usar una dirección nueva")
        assert html.index("Usar una dirección nueva") < html.index('name="shipping-recipient"')
        assert f'value="{home.pk}" checked' in html and f'value="{office.pk}" checked' not in html
        # Recipient, address line, district, province and department (INEI's names), phone.
        assert "Ana Torres Vega" in html and "Cayma, Arequipa, Arequipa" in html and "Teléfono: 954 321 987" in html
        assert "Miraflores, Lima, Lima" in html and "frente al parque" in html and "Predeterminada" in html
        assert "Guardar en mi libreta de direcciones" in html
        assert "Elige una de tus direcciones guardadas o usa una nueva" in html

    def test_guests_and_customers_without_addresses_see_the_form_alone(self, client, shop):
        fill_cart(client, ("CAP-U", 1))
        guest = client.get(reverse("checkout:details")).content.decode()
        newcomer_client = Client()
        newcomer_client.login(username=UserFactory().email, password=PASSWORD)
        fill_cart(newcomer_client, ("CAP-U", 1))
        newcomer = newcomer_client.get(reverse("checkout:details")).content.decode()

        for html in (guest, newcomer):
            assert 'name="address"' not in html and "Usar una dirección nueva" not in html
            assert 'name="save_address"' not in html and 'name="shipping-recipient"' in html

    def test_a_saved_address_without_its_district_cannot_be_chosen(self, client, shop, book_owner):
        old = AddressFactory(user=book_owner["user"], district="Mirafloris", street="Jr. Antiguo 9")
        assert old.ubigeo == ""
        html = client.get(reverse("checkout:details")).content.decode()
        assert f'value="{old.pk}" disabled' in html
        assert reverse("accounts:address_update", args=[old.pk]) in html

        response = choose(client, old.pk)
        assert response.status_code == 200
        assert "le faltan la provincia y el distrito" in response.content.decode()
        assert client.session.get(SESSION_KEY) is None

    def test_coming_back_shows_the_address_chosen_before(self, client, shop, book_owner):
        office = book_owner["office"]
        choose(client, office.pk)
        assert f'value="{office.pk}" checked' in client.get(reverse("checkout:details")).content.decode()

        choose_new(client)
        html = client.get(reverse("checkout:details")).content.decode()
        assert 'value="new" id="address-new" checked' in html
        assert 'value="Av. Arequipa 1234"' in html  # the new address typed, kept by the session

    def test_without_javascript_updating_the_lists_keeps_the_choice(self, client, shop, book_owner):
        response = choose(
            client, "new", refresh_lists="1", **{"shipping-department": "04", "shipping-province": "0401"}
        )
        html = response.content.decode()
        assert response.status_code == 200 and 'value="new" id="address-new" checked' in html
        assert '<option value="040103">Cayma</option>' in html
        assert client.session.get(SESSION_KEY) is None


class TestChoosingASavedAddress:
    def test_the_order_keeps_a_copy_that_later_edits_do_not_change(self, client, shop, book_owner):
        office = book_owner["office"]
        assert choose(client, office.pk).status_code == 302
        order = place_order(client)

        kept = dict(order.shipping_address)
        assert kept["recipient"] == "Ana Torres Vega" and kept["street"] == "Calle Misti 456"
        assert kept["ubigeo"] == "040103" and kept["district"] == "Cayma" and kept["phone"] == "954 321 987"
        assert order.billing_address == kept
        address_update(address=office, street="Av. Ejército 999", district="Yanahuara")
        address_delete(address=book_owner["home"])
        order.refresh_from_db()
        assert order.shipping_address == kept

    def test_shipping_follows_its_ubigeo_as_for_a_typed_address(self, client, shop, book_owner):
        assert choose(client, book_owner["office"].pk).status_code == 302
        saved = client.get(reverse("checkout:delivery"))
        assert choose_new(client, AREQUIPA).status_code == 302
        typed = client.get(reverse("checkout:delivery"))

        assert options_of(saved) == options_of(typed) and options_of(saved)
        assert all(option.price > 0 for option in saved.context["options"])  # outside Lima's free zone
        assert choose(client, book_owner["home"].pk).status_code == 302  # Lima: other options
        assert options_of(client.get(reverse("checkout:delivery"))) != options_of(saved)

    def test_a_saved_address_ignores_the_new_address_fields_posted_with_it(self, client, shop, book_owner):
        response = choose(
            client,
            book_owner["office"].pk,
            save_address="1",
            **{"shipping-recipient": "", "shipping-district": "999999"},
        )
        assert response.status_code == 302
        assert client.session[SESSION_KEY]["shipping"]["ubigeo"] == "040103"
        assert Address.objects.filter(user=book_owner["user"]).count() == 2  # nothing added to the book


class TestANewAddress:
    def test_it_is_kept_in_the_book_when_asked_once(self, client, shop, book_owner):
        before = Address.objects.filter(user=book_owner["user"]).count()
        assert choose_new(client, AREQUIPA | {"street": "Av. Cayma 12"}, save_address="on").status_code == 302
        assert choose_new(client, AREQUIPA | {"street": "Av. Cayma 12"}, save_address="on").status_code == 302

        added = Address.objects.filter(user=book_owner["user"]).exclude(
            pk__in=[book_owner["home"].pk, book_owner["office"].pk]
        )
        assert Address.objects.filter(user=book_owner["user"]).count() == before + 1
        assert added.get().ubigeo == "040103" and not added.get().is_default_shipping
        order = place_order(client)
        assert order.shipping_address["street"] == "Av. Cayma 12"

    def test_it_is_not_kept_unless_asked(self, client, shop, book_owner):
        assert choose_new(client).status_code == 302
        assert Address.objects.filter(user=book_owner["user"]).count() == 2
        assert place_order(client).shipping_address["ubigeo"] == "150122"

    def test_an_address_already_in_the_book_is_not_added_again(self, client, shop, book_owner):
        assert choose_new(client, AREQUIPA, save_address="on").status_code == 302
        assert Address.objects.filter(user=book_owner["user"]).count() == 2

    def test_a_refused_new_address_writes_nothing(self, client, shop, book_owner):
        response = choose_new(client, AREQUIPA | {"district": "150122"}, save_address="on")
        assert response.status_code == 200 and response.context["shipping_form"].errors["district"]
        assert Address.objects.filter(user=book_owner["user"]).count() == 2
        assert client.session.get(SESSION_KEY) is None

    def test_a_guest_cannot_keep_an_address_nor_name_a_saved_one(self, client, shop):
        someone = AddressFactory()
        fill_cart(client, ("CAP-U", 1))
        assert details(client, address=LIMA, save_address="on").status_code == 302
        posted = {
            "email": "rosa@example.pe",
            "billing_same": "1",
            "address": someone.pk,
            **{f"shipping-{name}": value for name, value in LIMA.items()},
        }
        assert client.post(reverse("checkout:details"), posted).status_code == 302
        assert client.session[SESSION_KEY]["shipping"]["street"] == LIMA["street"]  # the form's, never someone's
        assert Address.objects.count() == 1

    def test_the_book_and_the_consent_are_written_together_or_not_at_all(self, shop, book_owner, monkeypatch):
        from django.core.exceptions import ValidationError

        from checkout.forms import CheckoutDetails
        from checkout.state import CheckoutState

        def refuse(**kwargs):
            raise ValidationError("Dirección rechazada.")

        monkeypatch.setattr(checkout_services, "address_remember", refuse)
        state = CheckoutState(email="ana@example.pe", shipping={"ubigeo": "150122"})
        shipping = {**LIMA, "province": "Lima", "district": "Miraflores", "ubigeo": "150122"}
        details_ = CheckoutDetails(
            email="ana@example.pe",
            document_type="",
            document="",
            legal_name="",
            shipping=shipping,
            billing={},
            accepts_policies=True,
            marketing=False,
            save_address=True,
        )
        with pytest.raises(CheckoutError, match="Dirección rechazada"):
            checkout_services.checkout_details_record(
                state=state, details=details_, customer=book_owner["user"], ip=None
            )
        assert not Consent.objects.exists()
        assert state.shipping == {"ubigeo": "150122"}  # the session's answers are untouched


class TestTampering:
    @pytest.mark.parametrize(
        "posted",
        ["stranger", "deleted", "abc", "", "-1", "0", "1.0", "99999999999999999999", "1 OR 1=1", "NEW", "new "],
    )
    def test_an_address_not_in_the_book_is_a_form_error(self, client, shop, book_owner, posted):
        stranger = AddressFactory(street="Jr. Ajeno 77")
        gone = AddressFactory(user=book_owner["user"], street="Jr. Borrado 5")
        value = {"stranger": stranger.pk, "deleted": gone.pk}.get(posted, posted)
        address_delete(address=gone)
        assert choose(client, book_owner["office"].pk).status_code == 302  # an earlier, good answer
        kept = client.session[SESSION_KEY]

        response = choose(client, value, save_address="on")

        assert response.status_code == 200
        html = response.content.decode()
        assert response.context["contact"].errors["address"]
        assert UNKNOWN in html or "Elige una de tus direcciones guardadas o usa una nueva." in html
        assert "Jr. Ajeno 77" not in html and "Jr. Borrado 5" not in html
        assert client.session[SESSION_KEY] == kept  # nothing half-written
        assert Address.objects.filter(user=book_owner["user"]).count() == 2

    def test_a_missing_choice_is_a_form_error(self, client, shop, book_owner):
        response = client.post(reverse("checkout:details"), {"billing_same": "1"})
        assert response.status_code == 200
        assert "Elige una de tus direcciones guardadas o usa una nueva." in response.content.decode()

    def test_an_address_deleted_while_the_page_was_open(self, client, shop, book_owner):
        office = book_owner["office"].pk
        assert f'value="{office}"' in client.get(reverse("checkout:details")).content.decode()
        address_delete(address=book_owner["office"])
        response = choose(client, office)
        assert response.status_code == 200 and UNKNOWN in response.content.decode()
        assert client.session.get(SESSION_KEY) is None


class TestQueries:
    @pytest.mark.parametrize("step", ["page", "choice"])
    def test_the_same_for_one_or_many_saved_addresses(self, client, shop, django_assert_num_queries, step):
        user = UserFactory()
        office = AddressFactory(
            user=user, department="04", province="Arequipa", district="Cayma", is_default_shipping=True
        )
        client.login(username=user.email, password=PASSWORD)
        fill_cart(client, ("CAP-U", 1))

        def send():
            response = client.get(reverse("checkout:details")) if step == "page" else choose(client, office.pk)
            assert response.status_code == (200 if step == "page" else 302)

        send()  # warm the caches (site settings, session)
        with CaptureQueriesContext(connection) as one:
            send()
        AddressFactory.create_batch(8, user=user)
        AddressFactory(user=user, district="Mirafloris")  # one without its ubigeo, too

        with django_assert_num_queries(len(one)):
            send()
