"""Base costs every page pays: the home page, /healthz, and one Argon2 login."""

from django.test import Client

from accounts.models import User
from bench.timing import figures, measure

EMAIL = "bench-shopper@example.pe"
PASSWORD = "Bench-clave-2026!"


def run():
    client = Client()
    yield from figures("home_page", measure(lambda: client.get("/"), repeat=200))
    yield from figures("healthz", measure(lambda: client.get("/healthz"), repeat=200))

    if not User.objects.filter(email=EMAIL).exists():
        User.objects.create_user(email=EMAIL, password=PASSWORD)
    user = User.objects.get(email=EMAIL)
    yield from figures("argon2_check_password", measure(lambda: user.check_password(PASSWORD), repeat=30))
    # Ten addresses, a realistic upper end for one shopper.
    from accounts.services import address_create

    for n in range(10 - user.addresses.count()):
        address_create(
            user=user,
            recipient="Bench",
            phone="987654321",
            street=f"Av. Bench {n}",
            district="Lince",
            province="Lima",
            department="15",
        )
    client.force_login(user)
    yield from figures("address_list_page", measure(lambda: client.get("/accounts/addresses/"), repeat=200))
