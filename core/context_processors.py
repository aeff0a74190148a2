from django.utils import timezone

from .site_settings import site_settings


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
