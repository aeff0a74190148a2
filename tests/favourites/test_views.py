"""The hearts, "Mis favoritos", the shared list and the recently viewed strip, as shoppers (and
people tampering with them) use them."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem, Product
from favourites.models import Favourite
from favourites.services import favourite_set, favourite_share_enable
from tests.factories import PASSWORD, CollectionFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# A customer's list: the favourites, the products (with stock), their images, the share link (the
# user comes from the cache: accounts.user_cache).
PAGE_QUERIES = 4
STATE = re.compile(r'<script id="shopper-state" type="application/json">(.*?)</script>')


def heart(client, product_id, save=None, *, htmx=True, next_url="/c/ponchos/"):
    data = {"product": str(product_id), "next": next_url}
    if save is not None:
        data["save"] = save
    return client.post(reverse("favourites:toggle"), data, **(HTMX if htmx else {}))


def state(response) -> dict:
    return json.loads(STATE.search(response.content.decode()).group(1))


def trigger(response) -> dict:
    return json.loads(response["HX-Trigger"])["favourite-changed"]


class TestHearts:
    def test_a_guest_saves_with_htmx_and_the_pages_know_it(self, client, ponchos):
        response = heart(client, ponchos[0].pk, "1")
        assert response.status_code == 200 and response.content == b""
        assert trigger(response) == {
            "product": ponchos[0].pk,
            "saved": True,
            "error": False,
            "message": "Poncho Andino 0 está en tus favoritos.",
        }
        assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[0].pk]
        page = client.get(reverse("favourites:list")).content.decode()
        assert "Poncho Andino 0" in page and "S/ 150.00" in page and "Con stock" in page
        assert not Favourite.objects.exists()  # a guest's list is the session's

    def test_a_replayed_save_or_removal_changes_nothing(self, client, ponchos):
        heart(client, ponchos[0].pk, "1")
        assert trigger(heart(client, ponchos[0].pk, "1"))["saved"] is True
        assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[0].pk]
        heart(client, ponchos[0].pk, "0")
        assert trigger(heart(client, ponchos[0].pk, "0"))["saved"] is False
        assert state(client.get("/c/ponchos/"))["favourites"] == []

    def test_without_js_the_heart_toggles_and_comes_back_with_a_message(self, client, ponchos):
        response = heart(client, ponchos[1].pk, htmx=False)
        assert response.status_code == 302 and response["Location"] == "/c/ponchos/"
        page = client.get("/c/ponchos/")
        assert "Poncho Andino 1 está en tus favoritos." in page.content.decode()
        assert state(page)["favourites"] == [ponchos[1].pk]
        heart(client, ponchos[1].pk, htmx=False)
        assert state(client.get("/c/ponchos/"))["favourites"] == []

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
    def test_the_way_back_stays_on_the_site(self, client, ponchos, next_url):
        response = heart(client, ponchos[0].pk, htmx=False, next_url=next_url)
        assert response["Location"] == reverse("favourites:list")

    @pytest.mark.parametrize(
        "product, save", [("999999", "1"), ("abc", "1"), ("", "1"), ("-1", "1"), ("hidden", "1"), ("first", "yes")]
    )
    def test_bad_input_is_refused_clearly_and_saves_nothing(self, client, user, ponchos, product, save):
        Product.objects.filter(pk=ponchos[2].pk).update(status=Product.Status.DRAFT)
        product = {"hidden": ponchos[2].pk, "first": ponchos[0].pk}.get(product, product)
        response = heart(client, product, save)
        assert response.status_code == 404
        assert trigger(response)["message"] == "Ese producto ya no está disponible."
        response = heart(client, product, save, htmx=False)
        assert response.status_code == 302
        assert "Ese producto ya no está disponible." in client.get(response["Location"]).content.decode()
        client.force_login(user)
        assert heart(client, product, save).status_code == 404
        assert not Favourite.objects.exists() and state(client.get("/c/ponchos/"))["favourites"] == []

    def test_a_get_is_not_a_save(self, client, ponchos):
        assert client.get(reverse("favourites:toggle"), {"product": ponchos[0].pk}).status_code == 405

    def test_a_customer_s_heart_writes_the_account(self, client, user, ponchos):
        client.force_login(user)
        heart(client, ponchos[0].pk, "1")
        assert Favourite.objects.get(user=user).saved_price == Decimal("150.00")
        assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[0].pk]
        heart(client, ponchos[0].pk, htmx=False)  # a toggle reads the account, not the session
        assert not Favourite.objects.exists()


class TestSignIn:
    def test_the_guest_s_favourites_join_the_account_at_sign_in(self, client, ponchos):
        user = UserFactory(email="rosa@example.pe")
        favourite_set(user=user, product=ponchos[1], saved=True)
        heart(client, ponchos[0].pk, "1")
        heart(client, ponchos[1].pk, "1")

        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)

        assert response.status_code == 200
        assert set(Favourite.objects.filter(user=user).values_list("product_id", flat=True)) == {
            ponchos[0].pk,
            ponchos[1].pk,
        }
        assert any("Guardamos 1 favorito" in str(m) for m in response.context["messages"])
        page = client.get(reverse("favourites:list")).content.decode()
        assert "Poncho Andino 0" in page and "Poncho Andino 1" in page
        assert sorted(state(client.get("/c/ponchos/"))["favourites"]) == [ponchos[0].pk, ponchos[1].pk]

    def test_signing_in_shows_the_account_s_hearts_and_signing_out_forgets_them(self, client, user, ponchos):
        favourite_set(user=user, product=ponchos[2], saved=True)
        client.force_login(user)
        assert state(client.get("/c/ponchos/"))["favourites"] == [ponchos[2].pk]
        client.post(reverse("account_logout"))
        assert state(client.get("/c/ponchos/"))["favourites"] == []


class TestList:
    def test_prices_now_drops_secret_prices_and_availability(self, client, user, ponchos):
        for product in ponchos:
            favourite_set(user=user, product=product, saved=True)
        Product.objects.filter(pk=ponchos[0].pk).update(base_price=Decimal("99.00"))
        drop = CollectionFactory(starts_at=timezone.now() + timedelta(days=3))
        CollectionItem.objects.create(collection=drop, product=ponchos[1])
        client.force_login(user)

        page = client.get(reverse("favourites:list")).content.decode()

        assert "Bajó de precio" in page and "S/ 150.00" in page and "S/ 99.00" in page
        assert "Precio al lanzamiento" in page and "151.00" not in page  # the secret price stays secret
        assert "Agotado" in page and 'name="robots" content="noindex"' in page

    def test_another_customer_sees_only_their_own_list(self, client, user, other_user, ponchos):
        favourite_set(user=user, product=ponchos[0], saved=True)
        client.force_login(other_user)
        assert "Poncho Andino 0" not in client.get(reverse("favourites:list")).content.decode()
        heart(client, ponchos[0].pk, "0")  # taking out someone else's favourite takes out one's own only
        assert Favourite.objects.filter(user=user).count() == 1

    def test_the_page_s_queries_do_not_grow_with_the_list(self, client, user, ponchos, django_assert_num_queries):
        client.force_login(user)
        favourite_set(user=user, product=ponchos[0], saved=True)
        client.get(reverse("favourites:list"))  # warms the catalog tree and the session
        with django_assert_num_queries(PAGE_QUERIES):
            client.get(reverse("favourites:list"))
        for product in ponchos[1:]:
            favourite_set(user=user, product=product, saved=True)
        client.get(reverse("favourites:list"))  # copies the longer list into the session (a write, once)
        with django_assert_num_queries(PAGE_QUERIES):
            page = client.get(reverse("favourites:list")).content.decode()
        assert page.count('class="favourite-row"') == 3

    def test_a_guest_s_list_costs_the_products_and_their_images(self, client, ponchos, django_assert_num_queries):
        for product in ponchos:
            heart(client, product.pk, "1")
        client.get(reverse("favourites:list"))
        with django_assert_num_queries(2):  # the products (with stock), their images; the session is cached
            page = client.get(reverse("favourites:list")).content.decode()
        assert page.count('class="favourite-row"') == 3


class TestSharing:
    def test_a_shared_list_is_read_only_noindex_and_revocable(self, client, user, ponchos):
        user.first_name = "Rosa"
        user.save()
        favourite_set(user=user, product=ponchos[0], saved=True)
        client.force_login(user)
        client.post(reverse("favourites:share"))
        token = favourite_share_enable(user=user)
        assert reverse("favourites:shared", args=[token]) in client.get(reverse("favourites:list")).content.decode()

        client.logout()
        response = client.get(reverse("favourites:shared", args=[token]))
        page = response.content.decode()
        assert response.status_code == 200 and "Favoritos de Rosa" in page and "Poncho Andino 0" in page
        assert response["X-Robots-Tag"] == "noindex" and "noindex" in page
        assert "favourite-remove" not in page and user.email not in page

        client.force_login(user)
        client.post(reverse("favourites:share_revoke"))
        client.logout()
        gone = client.get(reverse("favourites:shared", args=[token]))
        assert gone.status_code == 404 and "Esta lista ya no se comparte" in gone.content.decode()

    @pytest.mark.parametrize(
        "tamper", [lambda t: t[:-1], lambda t: "x" + t, lambda t: t.split(":")[0], lambda t: "abc:def"]
    )
    def test_a_tampered_link_shows_nothing(self, client, user, ponchos, tamper):
        favourite_set(user=user, product=ponchos[0], saved=True)
        response = client.get(reverse("favourites:shared", args=[tamper(favourite_share_enable(user=user))]))
        assert response.status_code == 404 and "Poncho Andino 0" not in response.content.decode()

    def test_sharing_needs_an_account_and_a_post(self, client, user):
        assert client.post(reverse("favourites:share")).status_code == 302
        client.force_login(user)
        assert client.get(reverse("favourites:share")).status_code == 405


class TestRecentlyViewed:
    def recent(self, client, product_id=None):
        data = {"product": str(product_id)} if product_id is not None else {}
        return client.post(reverse("favourites:recent"), data, **HTMX).content.decode()

    def test_a_product_page_records_it_and_lists_the_others_newest_first(self, client, ponchos):
        assert self.recent(client, ponchos[0].pk).strip() == ""
        self.recent(client, ponchos[1].pk)
        strip = self.recent(client, ponchos[2].pk)
        assert "Vistos recientemente" in strip
        assert strip.index("Poncho Andino 1") < strip.index("Poncho Andino 0") and "Poncho Andino 2" not in strip
        cart_strip = self.recent(client)  # the cart page lists them all
        assert all(f"Poncho Andino {index}" in cart_strip for index in range(3))
        assert state(client.get("/c/ponchos/"))["recent"] == [ponchos[2].pk, ponchos[1].pk, ponchos[0].pk]

    def test_hidden_unknown_and_secret_products(self, client, ponchos):
        self.recent(client, ponchos[0].pk)
        self.recent(client, ponchos[1].pk)
        self.recent(client, "999999")
        self.recent(client, "abc")
        Product.objects.filter(pk=ponchos[0].pk).update(status=Product.Status.DRAFT)
        drop = CollectionFactory(starts_at=timezone.now() + timedelta(days=3))
        CollectionItem.objects.create(collection=drop, product=ponchos[1])
        strip = self.recent(client)
        assert "Poncho Andino 0" not in strip and "Poncho Andino 1" in strip and "151.00" not in strip
        assert state(client.get("/c/ponchos/"))["recent"] == [ponchos[1].pk]

    def test_the_list_keeps_the_last_nine(self, client, ponchos):
        extra = [ProductFactory(name=f"Chal {i}", category=ponchos[0].category) for i in range(10)]
        for product in extra:
            self.recent(client, product.pk)
        assert state(client.get("/c/ponchos/"))["recent"] == [p.pk for p in reversed(extra)][:9]

    def test_the_strip_s_queries_do_not_grow(self, client, ponchos, django_assert_num_queries):
        self.recent(client, ponchos[0].pk)
        self.recent(client)
        with django_assert_num_queries(2):  # the products, their images
            self.recent(client)
        self.recent(client, ponchos[1].pk)
        self.recent(client, ponchos[2].pk)
        with django_assert_num_queries(2):
            assert self.recent(client).count('class="product-card') == 3
