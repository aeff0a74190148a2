from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("account/returns/", views.return_list, name="list"),
    path("returns/<str:number>/", views.return_detail, name="detail"),
    path("returns/new/<str:order_number>/", views.return_create, name="create"),
]
