from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("", views.details, name="details"),
    path("delivery/", views.delivery, name="delivery"),
    path("review/", views.review, name="review"),
    path("credit/", views.credit, name="credit"),
    path("place/", views.place, name="place"),
]
