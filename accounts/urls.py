from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("addresses/", views.address_list, name="address_list"),
    path("addresses/new/", views.address_create, name="address_create"),
    path("addresses/<int:pk>/edit/", views.address_update, name="address_update"),
    path("addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("ubigeo/provinces/", views.ubigeo_provinces, name="ubigeo_provinces"),
    path("ubigeo/districts/", views.ubigeo_districts, name="ubigeo_districts"),
    path("seller/", views.seller_apply, name="seller_apply"),
]
