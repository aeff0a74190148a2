"""The test gateway's Yape and CIP flows and its demo agent (payments.testgateway_views)."""

from django.urls import path

from . import testgateway_views as views

app_name = "testgateway"

urlpatterns = [
    path("order/<str:number>/yape/", views.yape, name="yape"),
    path("order/<str:number>/cip/", views.cip, name="cip"),
    path("agent/", views.agent, name="agent"),
]
