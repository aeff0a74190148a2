from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("account/store-credit/", views.credit_list, name="list"),
    path("gift-cards/balance/", views.gift_card_balance, name="gift_card_balance"),
]
