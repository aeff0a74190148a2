import factory
from factory.django import DjangoModelFactory

from accounts.models import Address, Seller, User

PASSWORD = "Kallpa-test-2026!"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@example.pe")
    first_name = "Ana"
    last_name = "Torres"
    phone = "987654321"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Casa"
    recipient = "Ana Torres"
    phone = "987654321"
    street = factory.Sequence(lambda n: f"Jr. Junín {100 + n}")
    district = "Miraflores"
    province = "Lima"
    department = "15"
    postal_code = "15074"


class SellerFactory(DjangoModelFactory):
    class Meta:
        model = Seller

    user = factory.SubFactory(UserFactory)
    store_name = factory.Sequence(lambda n: f"Tienda {n}")
    slug = factory.Sequence(lambda n: f"tienda-{n}")
    ruc = "20100070970"
