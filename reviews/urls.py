from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("p/<slug:slug>/reviews/", views.product_reviews, name="product_reviews"),
    path("p/<slug:slug>/reviews/write/", views.review_create, name="create"),
    path("reviews/write/<int:variant_id>/", views.write_for_variant, name="write_for_variant"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="delete"),
    path("reviews/<int:pk>/helpful/", views.review_vote, name="vote"),
    path("reviews/<int:pk>/report/", views.review_report, name="report"),
    path("tienda/<slug:slug>/", views.seller, name="seller"),
]
