from django.utils import timezone

from .csrf import lazy_token
from .site_settings import site_settings


def csrf(request) -> dict:
    """Every template's `csrf_token` (in place of Django's built-in processor's, which runs first):
    the request's one masked token (core.csrf), which a first visit's page may go out without."""
    return {"csrf_token": lazy_token(request)}


def store(request) -> dict:
    """The store's name, support address and phone as an administrator set them (site settings),
    and the year the footer's copyright names (a key of base.html's frame, which is rendered once
    for each: formatting it on every request cost about 70 µs)."""
    from .contact import phone_href

    values = site_settings()
    phone = values["SUPPORT_PHONE"].strip()
    return {
        "STORE_NAME": values["STORE_NAME"],
        "STORE_SUPPORT_EMAIL": values["SUPPORT_EMAIL"],
        "STORE_SUPPORT_PHONE": phone,
        "STORE_SUPPORT_PHONE_HREF": phone_href(phone),
        "CURRENT_YEAR": timezone.localdate().year,
    }
