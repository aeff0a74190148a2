from django.conf import settings


def store(request) -> dict:
    return {"STORE_NAME": settings.STORE_NAME, "STORE_SUPPORT_EMAIL": settings.STORE_SUPPORT_EMAIL}
