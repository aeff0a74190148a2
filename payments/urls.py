from django.urls import path

from . import views, webhooks

app_name = "payments"

urlpatterns = [
    path("order/<str:number>/", views.pay, name="pay"),
    path("order/<str:number>/test-gateway/", views.dummy, name="dummy"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="webhook-stripe"),
    path("webhooks/paypal/", webhooks.paypal_webhook, name="webhook-paypal"),
]
