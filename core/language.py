"""The shop's language: Spanish for everyone, English when the shopper chose it."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ShopLanguageMiddleware:
    """Replaces Django's LocaleMiddleware. A Peruvian shop opens in Spanish whatever the
    browser's Accept-Language says; the language switch (django.views.i18n.set_language)
    stores the shopper's choice in the `lang` cookie, which is honoured on every visit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # For this request only: an activated language stays with the thread, and the next request
        # it serves (another shopper's waiting page, rendered before this middleware) or the command
        # or task it runs next would speak it.
        with translation.override(self.chosen_language(request)):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response

    @staticmethod
    def chosen_language(request) -> str:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code:
            try:
                return translation.get_supported_language_variant(code[:20])
            except LookupError:
                pass
        return settings.LANGUAGE_CODE
