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


def site_root() -> str:
    """The shop's address for links in e-mails ("https://tienda.kallpa.pe"; plain http on a local
    address such as `make run`'s 127.0.0.1:8000)."""
    from django.contrib.sites.models import Site

    domain = Site.objects.get_current().domain
    local = domain.startswith(("127.", "localhost", "0.0.0.0"))
    return f"{'http' if local else 'https'}://{domain}"
