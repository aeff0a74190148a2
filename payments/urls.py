from django.urls import path

from . import views, webhooks

app_name = "payments"

urlpatterns = [
    path("order/<str:number>/", views.pay, name="pay"),
    path("order/<str:number>/test-gateway/", views.test_gateway, name="test_gateway"),
    path("order/<str:number>/stripe/", views.gateway_start, {"provider": "stripe"}, name="stripe_start"),
    path("order/<str:number>/stripe/return/", views.gateway_return, {"provider": "stripe"}, name="stripe_return"),
    path("order/<str:number>/stripe/cancel/", views.gateway_cancel, {"provider": "stripe"}, name="stripe_cancel"),
    path("order/<str:number>/paypal/", views.gateway_start, {"provider": "paypal"}, name="paypal_start"),
    path("order/<str:number>/paypal/return/", views.gateway_return, {"provider": "paypal"}, name="paypal_return"),
    path("order/<str:number>/paypal/cancel/", views.gateway_cancel, {"provider": "paypal"}, name="paypal_cancel"),
    path("order/<str:number>/mpago/", views.gateway_start, {"provider": "mpago"}, name="mpago_start"),
    path("order/<str:number>/mpago/return/", views.gateway_return, {"provider": "mpago"}, name="mpago_return"),
    path("order/<str:number>/mpago/cancel/", views.gateway_cancel, {"provider": "mpago"}, name="mpago_cancel"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="webhook-stripe"),
    path("webhooks/paypal/", webhooks.paypal_webhook, name="webhook-paypal"),
    path("webhooks/mercadopago/", webhooks.mercadopago_webhook, name="webhook-mpago"),
    path("order/<str:number>/culqi/card/", views.culqi_card, name="culqi_card"),
    path("order/<str:number>/culqi/card/3ds/", views.culqi_card_3ds, name="culqi_card_3ds"),
    path("order/<str:number>/culqi/yape/", views.culqi_yape, name="culqi_yape"),
    path("order/<str:number>/culqi/cip/", views.culqi_cip, name="culqi_cip"),
    path("webhooks/culqi/", webhooks.culqi_webhook, name="webhook-culqi"),
]
