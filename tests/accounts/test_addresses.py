import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Address
from tests.factories import AddressFactory, address_data

pytestmark = pytest.mark.django_db


class TestOwnAddresses:
    def test_pages_need_login(self, client):
        for url in (reverse("accounts:address_list"), reverse("accounts:address_create")):
            response = client.get(url)
            assert response.status_code == 302
            assert reverse("account_login") in response["Location"]

    def test_create_first_address_becomes_default(self, client, user):
        client.force_login(user)

        response = client.post(reverse("accounts:address_create"), address_data())

        assert response.status_code == 302
        address = Address.objects.get(user=user)
        assert address.is_default_shipping and address.is_default_billing
        assert address.country == "PE"
        list_page = client.get(reverse("accounts:address_list"))
        assert "Av. Larco 345" in list_page.content.decode()

    def test_edit_and_move_the_default(self, client, user):
        first = AddressFactory(user=user, is_default_shipping=True, is_default_billing=True)
        second = AddressFactory(user=user)
        client.force_login(user)

        response = client.post(
            reverse("accounts:address_update", args=[second.pk]),
            address_data(street="Calle Las Begonias 441", is_default_shipping="on"),
        )

        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert second.street == "Calle Las Begonias 441"
        assert second.is_default_shipping and not first.is_default_shipping
        assert first.is_default_billing  # billing default untouched

    def test_delete_passes_the_default_on(self, client, user):
        default = AddressFactory(user=user, is_default_shipping=True, is_default_billing=True)
        other = AddressFactory(user=user)
        client.force_login(user)

        assert client.get(reverse("accounts:address_delete", args=[default.pk])).status_code == 200
        response = client.post(reverse("accounts:address_delete", args=[default.pk]))

        assert response.status_code == 302
        assert not Address.objects.filter(pk=default.pk).exists()
        other.refresh_from_db()
        assert other.is_default_shipping and other.is_default_billing

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("department", "99"),  # tampered select
            ("department", ""),
            ("postal_code", "1507"),
            ("phone", "no tengo"),
            ("recipient", ""),
            ("street", "x" * 300),
        ],
    )
    def test_bad_input_is_a_field_error_and_nothing_is_written(self, client, user, field, value):
        client.force_login(user)

        response = client.post(reverse("accounts:address_create"), address_data(**{field: value}))

        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert not Address.objects.exists()

    def test_tampered_user_field_is_ignored(self, client, user, other_user):
        client.force_login(user)

        client.post(reverse("accounts:address_create"), address_data(user=other_user.pk))

        assert Address.objects.get().user == user


class TestAnotherUsersAddress:
    @pytest.fixture
    def foreign(self, other_user):
        return AddressFactory(user=other_user, street="Jr. Ajeno 1")

    def test_cannot_see_or_edit(self, client, user, foreign):
        client.force_login(user)

        assert client.get(reverse("accounts:address_update", args=[foreign.pk])).status_code == 404
        response = client.post(reverse("accounts:address_update", args=[foreign.pk]), address_data(street="Robada 1"))

        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.street == "Jr. Ajeno 1"
        assert "Jr. Ajeno 1" not in client.get(reverse("accounts:address_list")).content.decode()

    def test_cannot_delete(self, client, user, foreign):
        client.force_login(user)

        assert client.get(reverse("accounts:address_delete", args=[foreign.pk])).status_code == 404
        assert client.post(reverse("accounts:address_delete", args=[foreign.pk])).status_code == 404
        assert Address.objects.filter(pk=foreign.pk).exists()

    def test_unknown_id_is_the_same_404(self, client, user):
        client.force_login(user)

        assert client.get(reverse("accounts:address_update", args=[999999])).status_code == 404


def service_data(**overrides) -> dict:
    """What services take: province and district names (the model derives the ubigeo)."""
    return address_data(province="Lima", district="Miraflores", **overrides)


class TestAddressServices:
    def test_only_one_default_per_user(self, user):
        first = services.address_create(user=user, **service_data())
        second = services.address_create(user=user, **service_data(street="Otra 2"), is_default_shipping=True)

        first.refresh_from_db()
        assert second.is_default_shipping and not first.is_default_shipping
        assert first.is_default_billing and not second.is_default_billing

    def test_update_rejects_unknown_fields(self, address):
        with pytest.raises(TypeError):
            services.address_update(address=address, user_id=1)

    def test_remember_keeps_a_new_address_once(self, user):
        home = services.address_create(user=user, **service_data())
        typed = {key: value for key, value in service_data(street="Jr. Cusco 12").items() if key != "label"}

        kept = services.address_remember(user=user, **typed)
        again = services.address_remember(user=user, **{**typed, "street": " jr. cusco 12 "})

        assert again == kept and kept.ubigeo == "150122" and not kept.is_default_shipping
        assert services.address_remember(user=user, **{k: v for k, v in service_data().items() if k != "label"}) == home
        assert Address.objects.filter(user=user).count() == 2

    def test_remember_never_matches_another_users_address(self, user):
        stranger = AddressFactory(street="Jr. Cusco 12")
        fields = {name: getattr(stranger, name) for name in services.DELIVERY_FIELDS}
        assert services.address_remember(user=user, **fields).user == user
        assert Address.objects.filter(user=user).count() == 1

    def test_place_line_names_the_district_province_and_department(self, user):
        assert (
            AddressFactory(user=user, department="04", province="arequipa", district="cayma").place_line
            == "Cayma, Arequipa, Arequipa"
        )
        assert AddressFactory(user=user, district="Mirafloris").place_line == "Mirafloris, Lima, Lima"


@pytest.mark.parametrize("rows", [1, 15])
def test_address_list_query_count_is_flat(client, user, django_assert_num_queries, rows):
    AddressFactory.create_batch(rows, user=user)
    client.force_login(user)
    client.get(reverse("accounts:address_list"))  # warm the navigation cache, as in steady state

    # the addresses; the session and the user come from the cache (cached_db, accounts.user_cache)
    with django_assert_num_queries(1):
        response = client.get(reverse("accounts:address_list"))

    assert response.status_code == 200
    assert len(response.context["addresses"]) == rows


# --- the ubigeo selects, kept per process by what they show ----------------------------------------


def _rendered(form, name):
    return str(form[name])


def test_a_kept_places_select_is_the_html_django_renders():
    from django import forms as django_forms

    from accounts.forms import AddressForm, PlacesSelect

    form = AddressForm(initial={"department": "15", "province": "1501", "district": "150122"})
    for name in ("department", "province", "district"):
        kept = _rendered(form, name)
        PlacesSelect._rendered.clear()
        widget = form.fields[name].widget
        plain = django_forms.Select(attrs=widget.attrs, choices=widget.choices)
        assert kept == plain.render(
            form.add_prefix(name), form[name].value(), form[name].build_widget_attrs({}) | {"id": form[name].auto_id}
        )
        assert "selected" in kept


def test_a_kept_places_select_follows_the_value_the_errors_the_prefix_and_the_language():
    from django.utils import translation

    from accounts.forms import AddressForm

    lima = _rendered(AddressForm(initial={"department": "15"}), "department")
    cusco = _rendered(AddressForm(initial={"department": "08"}), "department")
    assert '<option value="15" selected>' in lima and '<option value="08" selected>' in cusco
    posted = AddressForm(data={"department": "15", "province": "0801"}, prefix="shipping")
    posted.is_valid()
    shown = _rendered(posted, "province")
    assert 'name="shipping-province"' in shown and 'aria-invalid="true"' in shown
    with translation.override("en"):
        assert "Choose a district" in _rendered(AddressForm(initial={"province": "1501"}), "district")
    with translation.override("es"):
        assert "Elige un distrito" in _rendered(AddressForm(initial={"province": "1501"}), "district")
