import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.validators import validate_dni, validate_ruc
from tests.factories import UserFactory


@pytest.mark.parametrize("value", ["43451826", "4345 1826", "4345-1826"])
def test_valid_dni(value):
    validate_dni(value)


@pytest.mark.parametrize("value", ["", "1234567", "123456789", "4345182A"])
def test_invalid_dni(value):
    with pytest.raises(ValidationError):
        validate_dni(value)


@pytest.mark.parametrize("value", ["20100070970", "10467793549", "20-100070970"])
def test_valid_ruc(value):
    validate_ruc(value)


@pytest.mark.parametrize("value", ["20100070971", "2010007097", "50100070970", ""])
def test_invalid_ruc(value):
    with pytest.raises(ValidationError):
        validate_ruc(value)


@pytest.mark.django_db
class TestUserConstraints:
    def test_email_is_unique_ignoring_case_in_the_database(self):
        UserFactory(email="rosa@example.pe")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(email="ROSA@example.pe")

    def test_dni_unique_when_given_blank_allowed_many_times(self):
        UserFactory(dni="")
        UserFactory(dni="")
        UserFactory(dni="43451826")
        with pytest.raises(IntegrityError), transaction.atomic():
            UserFactory(dni="43451826")

    def test_create_user_normalises_email_and_hashes_with_argon2(self):
        user = User.objects.create_user(email="Pedro@Example.PE", password="Clave-segura-1")
        assert user.email == "pedro@example.pe"
        assert user.password.startswith("argon2$")
        assert user.check_password("Clave-segura-1")

    def test_superuser(self):
        admin = User.objects.create_superuser(email="root@example.pe", password="x-Clave-segura-1")
        assert admin.is_staff and admin.is_superuser
