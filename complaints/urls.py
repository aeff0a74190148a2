from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("account/complaints/", views.sheet_list, name="list"),
    path("libro-de-reclamaciones/", views.sheet_new, name="new"),
    path("libro-de-reclamaciones/<str:number>/", views.sheet_detail, name="sheet"),
    path("libro-de-reclamaciones/<str:number>/pdf/", views.sheet_download, name="pdf"),
]
