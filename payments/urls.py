from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("order/<str:number>/", views.pay, name="pay"),
    path("order/<str:number>/test-gateway/", views.dummy, name="dummy"),
]
