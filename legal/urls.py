from django.urls import path

from . import views

app_name = "legal"

# Spanish addresses: these pages are linked from the footer, sign-up, checkout and e-mails.
urlpatterns = [
    path("terminos-y-condiciones/", views.policy_page, {"kind": "terms"}, name="terms"),
    path("politica-de-privacidad/", views.policy_page, {"kind": "privacy"}, name="privacy"),
    path("politica-de-devoluciones/", views.policy_page, {"kind": "returns"}, name="returns"),
    path("politica-de-envios/", views.policy_page, {"kind": "shipping"}, name="shipping"),
]
