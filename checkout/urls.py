from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("", views.details, name="details"),
    path("delivery/", views.delivery, name="delivery"),
    path("review/", views.review, name="review"),
    path("credit/", views.credit, name="credit"),
    path("gift-card/", views.gift_card, name="gift_card"),
    path("place/", views.place, name="place"),
    path("gift-cards/", views.gift_card_buy, name="gift_card_buy"),
]
