from django.urls import path

from . import privacy, views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    # The account's privacy page.
    path("account/privacy/", privacy.privacy, name="privacy"),
    path("account/privacy/marketing/", privacy.privacy_marketing, name="privacy_marketing"),
    path("account/privacy/my-data.json", privacy.privacy_export, name="privacy_export"),
    path("account/privacy/request/", privacy.privacy_arco, name="privacy_arco"),
    path("account/privacy/close/", privacy.privacy_close, name="privacy_close"),
]
