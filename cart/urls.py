from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("add/", views.add, name="add"),
    path("kit/<slug:slug>/add/", views.add_kit, name="add_kit"),
    path("update/", views.update, name="update"),
    path("remove/", views.remove, name="remove"),
    path("coupon/", views.coupon_apply, name="coupon_apply"),
    path("coupon/remove/", views.coupon_remove, name="coupon_remove"),
]
