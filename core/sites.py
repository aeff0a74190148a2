"""The django.contrib.sites row (what allauth's e-mails call the site) follows the settings:
SITE_DOMAIN and STORE_NAME, written after every `migrate` instead of Django's "example.com"."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def site_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN[:100], "name": settings.STORE_NAME[:50]}
    )
    Site.objects.clear_cache()


def sync_site_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    site_sync(using=using)


LOCAL_HOSTS = ("127.", "localhost", "0.0.0.0", "[::1]")


def site_url(path: str = "") -> str:
    """`path` on the shop's address, for every link sent away from a page (e-mails, PDFs, a staff
    member's WhatsApp message): "https://tienda.kallpa.pe/pedidos/..." or, on a local address such
    as `make run PORT=8345`'s 127.0.0.1:8345, plain http. Read from the SITE_DOMAIN setting each
    time (the environment the server and the worker run in), not from the sites row, which only
    follows it at the last `migrate`."""
    domain = settings.SITE_DOMAIN
    scheme = "http" if domain.startswith(LOCAL_HOSTS) else "https"
    return f"{scheme}://{domain}{path}"
