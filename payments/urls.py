from django.urls import path

from . import views, webhooks

app_name = "payments"

urlpatterns = [
    path("order/<str:number>/", views.pay, name="pay"),
    path("order/<str:number>/test-gateway/", views.dummy, name="dummy"),
    path("order/<str:number>/stripe/", views.stripe_start, name="stripe_start"),
    path("order/<str:number>/stripe/return/", views.stripe_return, name="stripe_return"),
    path("order/<str:number>/paypal/", views.paypal_start, name="paypal_start"),
    path("order/<str:number>/paypal/return/", views.paypal_return, name="paypal_return"),
    path("order/<str:number>/paypal/cancel/", views.paypal_cancel, name="paypal_cancel"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="webhook-stripe"),
    path("webhooks/paypal/", webhooks.paypal_webhook, name="webhook-paypal"),
]
