from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.selectors import home_sections
from core.contact import whatsapp_url


@require_GET
def home(request):
    return render(request, "core/home.html", {"sections": home_sections(), "whatsapp_url": whatsapp_url()})
