from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("account/orders/", views.order_list, name="list"),
    path("account/orders/<str:number>/", views.order_detail, name="detail"),
    path("account/orders/<str:number>/cancel/", views.order_cancel, name="cancel"),
    path("orders/lookup/", views.guest_lookup, name="lookup"),
    path("orders/lookup/<str:number>/", views.guest_detail, name="guest_detail"),
    path("orders/lookup/<str:number>/cancel/", views.guest_cancel, name="guest_cancel"),
    path("orders/<str:number>/voucher/", views.order_payment_voucher, name="voucher"),
    path("orders/link/<str:number>/<str:token>/", views.guest_link, name="guest_link"),
]
