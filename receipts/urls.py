from django.urls import path

from . import views

app_name = "receipts"

urlpatterns = [
    path("<str:number>/<int:receipt_id>/", views.receipt_detail, name="detail"),
    path("<str:number>/<int:receipt_id>/pdf/", views.receipt_pdf_download, name="pdf"),
]
