"""A DNI or RUC typed in full-width (１２３４５６７８) or another script's digits (٤٥٦) is the same
number as the ASCII one: stored as ASCII, found as a duplicate of it, never a 500. Anything that
is not a digit once normalised is refused with the field's Spanish message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.fields import IdentityFormField
from accounts.models import Seller, User
from accounts.validators import normalize_identity, validate_dni, validate_ruc
from tests.factories import SellerFactory, UserFactory, signup_data

pytestmark = pytest.mark.django_db

DNI = "43451826"
DNI_WIDE = "４３４５１８２６"
DNI_ARABIC = "٤٣٤٥١٨٢٦"  # Arabic-Indic digits
RUC = "20100070970"
RUC_WIDE = "２０１００－０７０９７０"  # with a full-width hyphen as people type it


def wide(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in text)


class TestNormalize:
    @pytest.mark.parametrize(
        "typed, stored",
        [
            (DNI_WIDE, DNI),
            (DNI_ARABIC, DNI),
            ("۴۳۴۵۱۸۲۶", DNI),
            ("४३४५१८२६", DNI),  # Persian, Devanagari
            ("4345 1826", DNI),
            ("4345\u30001826", DNI),
            ("43.451.826", DNI),
            ("4345–1826", DNI),
            (RUC_WIDE, RUC),
        ],
    )
    def test_every_script_s_digits_become_ascii(self, typed, stored):
        assert normalize_identity(typed) == stored

    @pytest.mark.parametrize("typed", [DNI_WIDE, DNI_ARABIC, "4345 1826"])
    def test_the_validators_accept_what_normalises_to_a_valid_number(self, typed):
        validate_dni(typed)
        validate_ruc(RUC_WIDE)

    @pytest.mark.parametrize("typed", ["4345182X", "𐩀3451826", "4345182", "434518266", "12345678\u200b"])
    def test_what_is_not_eight_ascii_digits_after_normalising_is_refused(self, typed):
        with pytest.raises(ValidationError) as refused:
            validate_dni(typed)
        assert refused.value.messages == ["Ingresa un DNI válido: exactamente 8 dígitos."]

    def test_the_form_field_normalises_before_its_validators(self):
        field = IdentityFormField(max_length=8, validators=[validate_dni], required=False)
        assert field.clean(DNI_WIDE) == DNI and field.clean("") == ""
        assert field.widget.attrs["inputmode"] == "numeric" and int(field.widget.attrs["maxlength"]) > 8

    def test_a_model_saved_directly_stores_ascii(self):
        user = UserFactory(dni=DNI_WIDE)
        assert user.dni == DNI and User.objects.filter(dni=DNI).exists()
        assert User.objects.get(dni=DNI_WIDE) == user  # lookups normalise too


class TestSignupAndProfile:
    def test_signup_with_a_full_width_dni_stores_ascii(self, client, sent):
        with sent():
            response = client.post(reverse("account_signup"), signup_data(dni=DNI_WIDE))
        assert response.status_code == 302
        assert User.objects.get(email="nueva@example.pe").dni_pending == DNI  # given once the e-mail is confirmed

    @pytest.mark.parametrize("taken, typed", [(DNI, DNI_WIDE), (DNI, DNI_ARABIC), (DNI_WIDE, DNI)])
    def test_confirming_the_email_finds_the_duplicate_across_spellings(self, client, sent, taken, typed):
        UserFactory(dni=taken)
        with sent():
            response = client.post(reverse("account_signup"), signup_data(dni=typed))
        assert response.status_code == 302  # a sign-up does not tell (tests/accounts/test_dni_after_confirmation.py)
        newcomer = User.objects.get(email="nueva@example.pe")
        assert services.user_mark_email_verified(user=newcomer) is False
        newcomer.refresh_from_db()
        assert (newcomer.dni, newcomer.dni_pending) == ("", "")

    def test_profile_stores_ascii_and_finds_the_duplicate(self, client, user):
        # A confirmed account is told at once; an unconfirmed one once it confirms its e-mail.
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.refresh_from_db()
        client.force_login(user)
        data = {"first_name": "Lucía", "last_name": "Mamani", "phone": "", "dni": DNI_ARABIC}
        assert client.post(reverse("accounts:profile"), data).status_code == 302
        user.refresh_from_db()
        assert user.dni == DNI

        other = UserFactory(email_verified=True)
        client.force_login(other)
        response = client.post(reverse("accounts:profile"), data | {"dni": DNI_WIDE})
        assert response.status_code == 200
        assert response.context["form"].errors["dni"] == ["Este DNI ya está registrado en otra cuenta."]
        other.refresh_from_db()
        assert other.dni == ""

    def test_the_profile_service_finds_the_duplicate(self, user):
        user.email_verified = True
        UserFactory(dni=DNI)
        with pytest.raises(ValidationError) as refused:
            services.user_update_profile(user=user, first_name="A", last_name="B", phone="", dni=DNI_WIDE)
        assert refused.value.message_dict["dni"] == ["Este DNI ya está registrado en otra cuenta."]


class TestUserAdmin:
    def _post(self, admin_client, user, dni):
        url = reverse("admin:accounts_user_change", args=[user.pk])
        form = admin_client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("password", "groups", "user_permissions", "last_login", "date_joined")
        }
        data |= {"dni": dni, "addresses-TOTAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"}
        return admin_client.post(url, data)

    def test_the_admin_stores_ascii(self, admin_client):
        user = UserFactory()
        response = self._post(admin_client, user, DNI_WIDE)
        assert response.status_code == 302, response.context["adminform"].form.errors
        user.refresh_from_db()
        assert user.dni == DNI

    def test_the_admin_finds_the_duplicate_with_a_spanish_message(self, admin_client):
        UserFactory(dni=DNI)
        user = UserFactory()
        response = self._post(admin_client, user, DNI_WIDE)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["dni"] == ["Este DNI ya está registrado en otra cuenta."]
        user.refresh_from_db()
        assert user.dni == ""

    def test_a_bad_dni_is_one_clear_message(self, admin_client):
        response = self._post(admin_client, UserFactory(), "４３４５１８２６９")
        assert response.context["adminform"].form.errors["dni"] == ["Ingresa un DNI válido: exactamente 8 dígitos."]


class TestSellerRuc:
    def test_applying_with_a_full_width_ruc_stores_ascii(self, client, user):
        client.force_login(user)
        response = client.post(reverse("accounts:seller_apply"), {"store_name": "Gamer Zone", "ruc": RUC_WIDE})
        assert response.status_code == 302
        assert Seller.objects.get(user=user).ruc == RUC

    def test_the_duplicate_is_found_across_spellings(self, client, user):
        SellerFactory(ruc=RUC)
        client.force_login(user)
        response = client.post(reverse("accounts:seller_apply"), {"store_name": "Otra", "ruc": RUC_WIDE})
        assert response.context["form"].errors["ruc"] == ["Ya existe un vendedor con este RUC."]
        with pytest.raises(ValidationError):
            services.seller_apply(user=user, store_name="Otra", ruc=wide(RUC))
        assert Seller.objects.count() == 1

    def test_the_seller_admin_stores_ascii(self, admin_client):
        seller = SellerFactory(ruc=RUC)
        url = reverse("admin:accounts_seller_change", args=[seller.pk])
        response = admin_client.post(
            url,
            {
                "user": seller.user.pk,
                "store_name": seller.store_name,
                "slug": seller.slug,
                "ruc": wide("10467793549"),
                "commission_rate": "10.00",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        seller.refresh_from_db()
        assert seller.ruc == "10467793549"


class TestSearchAndStoredRows:
    def test_the_user_admin_finds_a_dni_typed_in_full_width(self, admin_client):
        user = UserFactory(dni=DNI)
        for typed in (DNI_WIDE, wide("4345")):
            found = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": typed})
            assert list(found.context["cl"].result_list) == [user]

    def test_numbers_stored_as_typed_before_become_ascii_unless_taken(self):
        from django.db import connection

        from accounts.fields import normalise_stored_numbers

        first, second, third = UserFactory(dni=DNI), UserFactory(), UserFactory()
        with connection.cursor() as cursor:  # as the fields let them through before
            cursor.execute(f"UPDATE {User._meta.db_table} SET dni = %s WHERE id = %s", [DNI_WIDE, second.pk])
            cursor.execute(f"UPDATE {User._meta.db_table} SET dni = %s WHERE id = %s", [wide("45678912"), third.pk])

        normalise_stored_numbers(User, "dni", unique=True)

        stored = dict(User.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "dni"))
        assert stored == {first.pk: DNI, second.pk: DNI_WIDE, third.pk: "45678912"}
