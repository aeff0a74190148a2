from .site_settings import site_settings


def store(request) -> dict:
    """The store's name and support address as an administrator set them (site settings)."""
    values = site_settings()
    return {"STORE_NAME": values["STORE_NAME"], "STORE_SUPPORT_EMAIL": values["SUPPORT_EMAIL"]}
