from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("avisos/", views.alert_request, name="request"),
    path("avisos/confirmar/<str:token>/", views.alert_confirm, name="confirm"),
    path("avisos/baja/<str:token>/", views.alert_unsubscribe, name="unsubscribe"),
    path("avisos/carrito/<str:token>/", views.cart_restore, name="cart_restore"),
]
