"""The shopper's store credit page (thin: the selector reads, the template shows)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .selectors import credits_for_customer


@login_required
@require_http_methods(["GET"])
def credit_list(request):
    return render(request, "credit/list.html", {"credits": list(credits_for_customer(user=request.user))})
